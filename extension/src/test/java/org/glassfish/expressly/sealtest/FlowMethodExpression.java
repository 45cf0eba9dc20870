package org.glassfish.expressly.sealtest;

import jakarta.el.ELContext;
import jakarta.el.MethodExpression;
import jakarta.el.MethodInfo;

/**
 * Stands where Expressly's {@code MethodExpressionImpl} stands in Mojarra's view state of a page
 * in a Faces flow: a serializable method expression of the runtime's EL implementation, in its
 * package (the test cannot put Expressly itself on the class path: the runtime brings it).
 */
public class FlowMethodExpression extends MethodExpression {
    private static final long serialVersionUID = 1L;
    private final String expression;

    public FlowMethodExpression(String expression) {
        this.expression = expression;
    }

    @Override
    public MethodInfo getMethodInfo(ELContext context) {
        throw new UnsupportedOperationException("never evaluated by the test");
    }

    @Override
    public Object invoke(ELContext context, Object[] params) {
        throw new UnsupportedOperationException("never evaluated by the test");
    }

    @Override
    public String getExpressionString() {
        return expression;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FlowMethodExpression e && e.expression.equals(expression);
    }

    @Override
    public int hashCode() {
        return expression.hashCode();
    }

    @Override
    public boolean isLiteralText() {
        return false;
    }
}
