package dev.palisade.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that needs parts of the machine. Outside CI it is skipped with a one-line reason when
 * they are missing; under {@code CI=true} a missing part fails the test instead, because CI is where
 * these tests must run.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Inherited
@ExtendWith(RequirementsExtension.class)
public @interface Requires {
    Need[] value();
}
