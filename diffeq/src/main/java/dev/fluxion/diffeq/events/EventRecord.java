package dev.fluxion.diffeq.events;

/**
 * One event as a solve handled it, for the continuous adjoints' jump at the event (they integrate
 * backwards between events and need, at each, the event time, the states on both sides and the
 * functions to differentiate). Values are primal numbers; nothing here carries derivatives.
 *
 * @param callback  the name of the callback that handled it
 * @param t         the event time t*
 * @param uMinus    the state the event met (before the affect)
 * @param uPlus     the state the solve continued from (after the affect)
 * @param condition the condition g(u, p, t) whose component {@code index} crossed zero; null for an
 *                  event at a time that does not depend on the state (a preset time, the end of a step)
 * @param index     the component of a vector condition that crossed (0 for a scalar one)
 * @param affect    the map u⁻ ↦ u⁺ (u, p, t); null when the event does not change the state (it only terminates)
 * @param terminates whether the solve ended at this event
 */
public record EventRecord(String callback, double t, double[] uMinus, double[] uPlus, EventFunction condition, int index,
                          EventFunction affect, boolean terminates) {
    /** Whether the event time moves with u0 and p (a zero crossing of a condition). */
    public boolean locatedByCondition() { return condition != null; }
}
