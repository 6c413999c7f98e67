package dev.palisade.actors.kubernetes;

import dev.palisade.actors.discovery.ContainerIdentities;
import dev.palisade.actors.discovery.RuntimeContainer;
import java.util.HashMap;
import java.util.Map;

/**
 * The pods of this node, found from a runtime container: by its id in a pod's status (the sure way), else by the
 * pod uid in its kubelet cgroup path or CRI annotations, else by the pod namespace and name in its CRI
 * annotations. The last two let a container get its pod's labels before kubelet has written its id into the pod
 * status. Not thread-safe: the guardian owns it.
 */
public final class PodIndex {
    private final Map<String, PodMetadata> byUid = new HashMap<>();
    private final Map<String, String> uidByContainer = new HashMap<>();
    private final Map<String, String> uidByName = new HashMap<>();

    /** Adds or replaces a pod; returns the previous version, or null. */
    public PodMetadata put(PodMetadata pod) {
        PodMetadata old = remove(pod.uid());
        byUid.put(pod.uid(), pod);
        for (String id : pod.containers().keySet()) uidByContainer.put(id, pod.uid());
        uidByName.put(pod.namespace() + "/" + pod.name(), pod.uid());
        return old;
    }

    public PodMetadata remove(String uid) {
        PodMetadata old = byUid.remove(uid);
        if (old != null) {
            for (String id : old.containers().keySet()) uidByContainer.remove(id, uid);
            uidByName.remove(old.namespace() + "/" + old.name(), uid);
        }
        return old;
    }

    public boolean isEmpty() {
        return byUid.isEmpty();
    }

    /** The pod the container belongs to, or null when none is known. */
    public PodMetadata podOf(RuntimeContainer c) {
        String uid = uidByContainer.get(c.id());
        if (uid == null) {
            String fromRuntime = ContainerIdentities.podUid(c);
            if (!fromRuntime.isEmpty() && byUid.containsKey(fromRuntime)) uid = fromRuntime;
        }
        if (uid == null) {
            String ns = ContainerIdentities.podNamespace(c), name = ContainerIdentities.podName(c);
            if (ns != null && name != null) uid = uidByName.get(ns + "/" + name);
        }
        return uid == null ? null : byUid.get(uid);
    }
}
