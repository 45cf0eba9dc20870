package dev.serversessions.it.probe;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;

/**
 * The Faces Flash, as an application uses it: {@code /faces/flash-set.xhtml?note=x} puts the
 * note in the Flash and redirects to {@code /faces/flash-show.xhtml}, which shows it once.
 * Standard annotations only.
 */
@Named
@RequestScoped
public class FlashNote {
    private String note;

    public String getNote() {
        return note;
    }

    public void setNote(String note) {
        this.note = note;
    }

    public String send() {
        FacesContext.getCurrentInstance().getExternalContext().getFlash().put("note", note);
        return "/flash-show.xhtml?faces-redirect=true";
    }
}
