package dev.palisade.policy.simulate;

import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.Verdict;
import dev.palisade.policy.match.Matcher;

/**
 * One operation to decide, as read from a log: what it touches and everything the rules can ask about it.
 *
 * @param resource  the path executed or opened; empty for network and capability operations
 * @param source    the acting executable (for an exec: the executable doing the exec)
 * @param args      argv[1..] of an exec, null when unknown
 * @param ownerUid  owner of the file, -1 when unknown
 * @param family    socket family, -1 when unknown (likewise type and protocol)
 * @param capability capability number, -1 when unknown
 */
public record Access(OperationClass operation, String resource, String source, String[] args, boolean write,
                     boolean tty, int uid, int ownerUid, int family, int type, int protocol, int capability) {

    public Verdict decide(Matcher m) {
        return switch (operation) {
            case PROCESS -> m.process(resource, source, tty, uid, ownerUid, args);
            case FILE -> m.file(resource, source, write, tty, uid, ownerUid);
            case NETWORK -> m.network(source, family, type, protocol, tty);
            case CAPABILITIES -> m.capability(source, capability);
        };
    }
}
