package dev.fluxion.examples.bench;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.examples.Robertson;

import java.util.List;

/**
 * Issue 11's stiff benchmark, the cases shared by {@link RobertsonBench} (JMH) and
 * {@link StiffTimes} (the warmed-up harness that also reports the work counts): Robertson on
 * [0, 1e5], the final value only (as SciPy's {@code t_eval=[1e5]} in bench/peers/rober_scipy.py),
 * at rtol 1e-6 / atol 1e-10 and rtol 1e-3 / atol 1e-6. Methods are named as DifferentialEquations.jl
 * names them and resolved by class name, so a new stiff method is benchmarked by adding its name
 * to {@link #METHODS} (or passing it on the command line); {@code AutoTsit5(Rosenbrock23)} names a
 * method that takes another.
 */
public final class RobertsonCases {
    private RobertsonCases() {}

    /** The methods measured by default (JMH's @Param list in {@link RobertsonBench} repeats it). */
    public static final List<String> METHODS = List.of("Rosenbrock23", "Rodas4", "Rodas5P", "KenCarp4", "TRBDF2");

    /** rtol/atol pairs, written as JMH parameters are. */
    public static final List<String> TOLERANCES = List.of("1e-6/1e-10", "1e-3/1e-6");

    /** Where the solver classes live, searched in this order. */
    private static final String[] PACKAGES = {"dev.fluxion.diffeq.stiff.", "dev.fluxion.diffeq.ode.", "dev.fluxion.diffeq."};

    public static final double T1 = 1e5;

    public static OdeProblem problem() { return Robertson.problem(T1); }

    /** "1e-6/1e-10" as options saving the final value only. */
    public static SolveOptions options(String tolerances) {
        String[] rt = tolerances.split("/");
        if (rt.length != 2) throw new IllegalArgumentException("tolerances are written rtol/atol, got " + tolerances);
        return SolveOptions.defaults().rtol(Double.parseDouble(rt[0])).atol(Double.parseDouble(rt[1])).saveEverystep(false);
    }

    /** A method by its class name ("Rodas5P"), or "Outer(Inner)" for a method built from another (a stiffness switch). */
    public static OdeAlgorithm algorithm(String name) {
        String n = name.strip();
        int open = n.indexOf('(');
        try {
            if (open > 0 && n.endsWith(")")) {
                OdeAlgorithm inner = algorithm(n.substring(open + 1, n.length() - 1));
                for (var c : classOf(n.substring(0, open)).getConstructors()) {
                    if (c.getParameterCount() == 1 && c.getParameterTypes()[0].isInstance(inner)) return (OdeAlgorithm) c.newInstance(inner);
                }
                throw new IllegalArgumentException(n.substring(0, open) + " has no constructor taking " + inner.name());
            }
            return (OdeAlgorithm) classOf(n).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot make the method " + name + ": " + e, e);
        }
    }

    private static Class<?> classOf(String simpleName) {
        for (String p : PACKAGES) {
            try {
                Class<?> c = Class.forName(p + simpleName);
                if (OdeAlgorithm.class.isAssignableFrom(c)) return c;
            } catch (ClassNotFoundException ignored) {
                // try the next package
            }
        }
        throw new IllegalArgumentException("no ODE method named " + simpleName + " in " + String.join(", ", PACKAGES));
    }
}
