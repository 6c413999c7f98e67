package dev.palisade.testing;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Skips a {@link Requires} test outside CI when the machine lacks what it needs; fails it under CI. */
public final class RequirementsExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<String> missing = missing(context);
        if (missing.isEmpty()) return ConditionEvaluationResult.enabled("machine has what the test needs");
        if (MachineCheck.inCi()) {
            return ConditionEvaluationResult.enabled("CI=true: will fail in a before-callback");
        }
        return ConditionEvaluationResult.disabled("skipped outside CI: " + String.join("; ", missing));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        failInCi(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        failInCi(context);
    }

    private static void failInCi(ExtensionContext context) {
        List<String> missing = missing(context);
        if (!missing.isEmpty() && MachineCheck.inCi()) {
            throw new AssertionError("CI=true and this test cannot run here: " + String.join("; ", missing)
                    + " (.ci/run must install what the test needs)");
        }
    }

    private static List<String> missing(ExtensionContext context) {
        Set<Need> needs = new LinkedHashSet<>();
        collect(context.getElement(), needs);
        context.getTestClass().ifPresent(c -> collect(c, needs));
        List<String> reasons = new ArrayList<>();
        for (Need n : needs) MachineCheck.missing(n).ifPresent(reasons::add);
        return reasons;
    }

    private static void collect(Optional<? extends AnnotatedElement> element, Set<Need> into) {
        element.ifPresent(e -> collect(e, into));
    }

    private static void collect(AnnotatedElement element, Set<Need> into) {
        AnnotationSupport.findAnnotation(element, Requires.class).ifPresent(r -> into.addAll(List.of(r.value())));
    }
}
