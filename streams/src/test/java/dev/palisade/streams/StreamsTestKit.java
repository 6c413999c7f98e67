package dev.palisade.streams;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/** One actor system per test class, on the module's reference.conf (which turns HTTP/2 on for the gRPC feeder). */
public final class StreamsTestKit {
    private StreamsTestKit() {}

    public static ActorTestKit create(String name) {
        return ActorTestKit.create(name, config(""));
    }

    public static Config config(String overrides) {
        return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
    }

    /** Polls until the condition holds; fails with {@code what} after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(20);
        }
    }
}
