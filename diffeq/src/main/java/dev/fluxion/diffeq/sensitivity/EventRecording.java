package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.Callback;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.events.EventCallback;
import dev.fluxion.diffeq.events.EventLog;
import dev.fluxion.diffeq.events.EventRecord;

import java.util.List;

/**
 * A continuous adjoint's forward solve with its event callbacks recording into one log, so the
 * backward pass knows where the adjoint jumps. Callbacks of other kinds run unchanged; one that
 * changes the state (setU) outside this package's event callbacks is not seen by the adjoint.
 */
final class EventRecording {
    private final EventLog log = new EventLog();
    private final SolveOptions options;

    EventRecording(SolveOptions o) {
        Callback[] cbs = o.callbacks();
        for (int i = 0; i < cbs.length; i++) if (cbs[i] instanceof EventCallback e) cbs[i] = e.recordingInto(log);
        this.options = cbs.length == 0 ? o : o.callback(cbs);
    }

    SolveOptions options() { return options; }

    List<EventRecord> events() { return log.records(); }
}
