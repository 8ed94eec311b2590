package dev.fluxion.diffeq.sde;

/** The SRA tableaus, with their sources. */
public final class SraTableaus {
    private SraTableaus() {}

    /** SRA1: Rößler (2010)'s scheme SRA1 (strong order 1.5 for additive noise), as tabulated in StochasticDiffEq.jl (constructSRA1). */
    public static SraTableau sra1() {
        return new SraTableau("SRA1",
                new double[] {0, 3.0 / 4},
                new double[] {1, 0},
                new double[][] {{0, 0}, {3.0 / 4, 0}},
                new double[][] {{0, 0}, {3.0 / 2, 0}},
                new double[] {1.0 / 3, 2.0 / 3},
                new double[] {1, 0},
                new double[] {-1, 1});
    }

    /**
     * SOSRA: the stability-optimized SRA method of Rackauckas &amp; Nie (2018), arXiv:1804.04344,
     * coefficients as published in StochasticDiffEq.jl (src/tableaus.jl, constructSOSRA).
     */
    public static SraTableau sosra() {
        return new SraTableau("SOSRA",
                new double[] {0, 0.6923962376159507, 1},
                new double[] {0, 0.041248171110700504, 1},
                new double[][] {{0, 0, 0}, {0.6923962376159507, 0, 0}, {-3.1609142252828395, 4.1609142252828395, 0}},
                new double[][] {{0, 0, 0}, {1.3371632704399763, 0, 0}, {1.442371048468624, 1.8632741501139225, 0}},
                new double[] {0.2889874966892885, 0.6859880440839937, 0.025024459226717772},
                new double[] {-16.792534242221663, 17.514995785380226, 0.27753845684143835},
                new double[] {0.4237535769069274, 0.6010381474428539, -1.0247917243497813});
    }
}
