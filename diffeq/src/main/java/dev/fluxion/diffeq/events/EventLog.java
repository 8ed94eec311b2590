package dev.fluxion.diffeq.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The events one solve handled, in the order it handled them ({@link EventCallback#recordingInto}).
 * The continuous adjoints keep one per forward solve and jump at each recorded event on their way
 * back. Not thread-safe: one log belongs to one solve.
 */
public final class EventLog {
    private final List<EventRecord> records = new ArrayList<>();

    void add(EventRecord r) { records.add(r); }

    /** The recorded events, in the order of integration. */
    public List<EventRecord> records() { return Collections.unmodifiableList(records); }

    public int size() { return records.size(); }
}
