package dev.palisade.policy.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * deploy/crds holds the CRDs rendered from the validator's schema. When the schema changes, regenerate them with
 * {@code ./mvnw -pl policy test -Dtest=CrdFilesTest -Dpalisade.writeCrds=true}.
 */
class CrdFilesTest {
    static final Path CRDS = Path.of("..", "deploy", "crds");

    @ParameterizedTest
    @EnumSource(PolicyKind.class)
    void deployedCrdsAreRenderedFromTheValidatorsSchema(PolicyKind kind) throws IOException {
        Path file = CRDS.resolve(CrdRenderer.fileName(kind));
        String expected = CrdRenderer.render(kind);
        if (Boolean.getBoolean("palisade.writeCrds")) {
            Files.createDirectories(CRDS);
            Files.writeString(file, expected);
        }
        assertEquals(expected, Files.exists(file) ? Files.readString(file) : "(missing " + file + ")",
                "deploy/crds is out of date: ./mvnw -pl policy test -Dtest=CrdFilesTest -Dpalisade.writeCrds=true");
    }
}
