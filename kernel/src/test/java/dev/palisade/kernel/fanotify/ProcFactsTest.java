package dev.palisade.kernel.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of a container's mounts are marked, and through which of them a file has its only path. */
class ProcFactsTest {
    /** A Kubernetes-like container: overlay root, kubelet's files bound from the host's disk, a volume, /proc. */
    private static final List<String> MOUNTINFO = List.of(
            "812 700 0:95 / / rw,relatime master:301 - overlay overlay rw,lowerdir=/l1:/l2,upperdir=/u,workdir=/w",
            "813 812 0:96 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw",
            "814 812 0:97 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755",
            "815 812 8:1 /var/lib/kubelet/pods/p/etc-hosts /etc/hosts rw,relatime - ext4 /dev/sda1 rw",
            "816 812 8:1 /var/lib/kubelet/pods/p/containers/app/1 /dev/termination-log rw,relatime - ext4 /dev/sda1 rw",
            "817 812 8:1 /var/lib/containerd/sandboxes/s/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/sda1 rw",
            "818 812 0:98 / /var/run/secrets/kubernetes.io/serviceaccount ro,relatime - tmpfs tmpfs rw,size=1024k",
            "819 812 259:3 /data /my\\040data rw,relatime shared:5 master:7 - xfs /dev/nvme0n1p3 rw");

    @Test
    void pseudoFilesystemsAreNotMarkedAndAFilesystemSeenTwiceIsNoFilesPath() {
        List<ProcFacts.Mount> mounts = ProcFacts.markableMounts(MOUNTINFO, 4242);
        assertEquals(List.of(
                new ProcFacts.Mount("/proc/4242/root", 812, true),
                new ProcFacts.Mount("/proc/4242/root/dev", 814, true),
                new ProcFacts.Mount("/proc/4242/root/etc/hosts", 815, false),
                new ProcFacts.Mount("/proc/4242/root/dev/termination-log", 816, false),
                new ProcFacts.Mount("/proc/4242/root/etc/resolv.conf", 817, false),
                new ProcFacts.Mount("/proc/4242/root/var/run/secrets/kubernetes.io/serviceaccount", 818, true),
                new ProcFacts.Mount("/proc/4242/root/my data", 819, true)), mounts);
    }

    @Test
    void aPseudoFilesystemSharingNoDeviceLeavesTheOthersAlone() {
        List<ProcFacts.Mount> mounts = ProcFacts.markableMounts(List.of(
                "1 0 0:30 / / rw - tmpfs tmpfs rw",
                "2 1 8:2 /usr /usr ro - ext4 /dev/sda2 ro",
                "3 1 0:31 / /proc rw - proc proc rw",
                "4 1 8:2 /usr/lib /lib ro - ext4 /dev/sda2 ro",
                "garbage line"), 7);
        assertEquals(List.of(new ProcFacts.Mount("/proc/7/root", 1, true), new ProcFacts.Mount("/proc/7/root/usr", 2, false),
                new ProcFacts.Mount("/proc/7/root/lib", 4, false)), mounts, "/usr and /lib show one disk: a file under both has two paths");
    }
}
