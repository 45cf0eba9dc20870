// Runs once archetype:generate has written the project: gives it a secret of its own and makes
// the run script executable (archetypes carry no file modes).
import java.security.SecureRandom

def project = new File(request.outputDirectory, request.artifactId)
def config = new File(project, 'src/main/resources/META-INF/microprofile-config.properties')
def bytes = new byte[48]
new SecureRandom().nextBytes(bytes)
config.text = config.text.replace('GENERATED_AT_GENERATION', Base64.encoder.encodeToString(bytes))
new File(project, 'run').setExecutable(true, false)
