package dev.fluxion.tensor;

/**
 * The wrapper that makes a tensor non-primal: it belongs to one {@link Level} and holds the tensor
 * one level down ({@code inner}), which carries the value and any outer levels' information.
 * Subclasses (dual lanes, tape entries, trace nodes) live in the autodiff module.
 */
public abstract class AdBox {
    private final Level level;
    private final Tensor inner;

    protected AdBox(Level level, Tensor inner) {
        this.level = level;
        this.inner = inner;
    }

    public final Level level() { return level; }

    /** The value at the next level down (it may itself be wrapped by an outer level). */
    public final Tensor inner() { return inner; }

    /**
     * Whether the numbers of this tensor are a real value that may be read. A tracer's numbers are
     * an example recorded at trace time; reading them would bake a value-dependent branch into a
     * compiled program, so {@link Tensor#item()} refuses.
     */
    public boolean concrete() { return true; }

    /** Short name of the kind, for toString and error messages ("dual", "tracked", "tracer"). */
    public abstract String kind();
}
