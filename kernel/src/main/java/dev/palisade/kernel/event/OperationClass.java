package dev.palisade.kernel.event;

import java.util.EnumSet;
import java.util.Set;

/** enum palisade_visibility of palisade_event.h: the operation classes a visibility setting switches on. */
public enum OperationClass {
    PROCESS(1, "PALISADE_VIS_PROCESS"),
    FILE(2, "PALISADE_VIS_FILE"),
    NETWORK(4, "PALISADE_VIS_NETWORK"),
    CAPABILITIES(8, "PALISADE_VIS_CAPABILITIES");

    private final int bit;
    private final String cName;

    OperationClass(int bit, String cName) {
        this.bit = bit;
        this.cName = cName;
    }

    public int bit() {
        return bit;
    }

    public String cName() {
        return cName;
    }

    public static int bits(Set<OperationClass> classes) {
        int b = 0;
        for (OperationClass c : classes) b |= c.bit;
        return b;
    }

    public static Set<OperationClass> of(int bits) {
        EnumSet<OperationClass> s = EnumSet.noneOf(OperationClass.class);
        for (OperationClass c : values()) if ((bits & c.bit) != 0) s.add(c);
        return s;
    }
}
