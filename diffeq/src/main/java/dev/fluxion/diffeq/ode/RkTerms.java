package dev.fluxion.diffeq.ode;

import dev.fluxion.tensor.LinearCombination;

/**
 * What {@link ExplicitRkStepper} reads from a tableau at every step: each stage's and the update's
 * nonzero coefficients with their stage indices, the error weights, and the interpolant's extra
 * stages. Built once per tableau ({@link ExplicitRkTableau#terms}) rather than per solve (a small
 * solve builds a stepper each time: the per-solve rebuild was about 1.5 % of the LV solve). Every
 * array is read-only once built; steppers on several threads share it.
 */
final class RkTerms {
    final int[][] stageDeps;      // nonzero a_ij per stage
    final double[][] stageA;
    final int[] bDeps;
    final double[] bVals;
    /** btilde's nonzero entries: stage indices and values (none for a fixed-step method). */
    final int[] errDeps;
    final double[] errVals;
    /** Whether the interpolant's first extra stage is f at the step's end (c = 1, a = b): FSAL-like reuse. */
    final boolean firstExtraIsFnew;
    final int[][] extraDeps;      // nonzero coefficients of the interpolant's extra stages
    final double[][] extraA;
    final int[] allStages;        // 0, 1, ..., s + e − 1

    RkTerms(ExplicitRkTableau tab) {
        int s = tab.stages();
        stageDeps = new int[s][];
        stageA = new double[s][];
        for (int i = 0; i < s; i++) {
            double[] row = new double[i];
            for (int j = 0; j < i; j++) row[j] = tab.a(i, j);
            stageDeps[i] = LinearCombination.liveTerms(row);
            stageA[i] = LinearCombination.liveValues(row);
        }
        double[] b = new double[s];
        for (int j = 0; j < s; j++) b[j] = tab.b(j);
        bDeps = LinearCombination.liveTerms(b);
        bVals = LinearCombination.liveValues(b);
        double[] bt = new double[tab.adaptive() ? s : 0];
        for (int j = 0; j < bt.length; j++) bt[j] = tab.btilde(j);
        errDeps = LinearCombination.liveTerms(bt);
        errVals = LinearCombination.liveValues(bt);
        RkInterpolant interp = tab.interpolant();
        boolean fnewFirst = false;
        if (interp != null && interp.extraStages() > 0 && interp.cExtra(0) == 1.0) {
            double[] row = interp.aExtraRow(0);
            fnewFirst = true;
            for (int j = 0; j < s; j++) if (row[j] != tab.b(j)) { fnewFirst = false; break; }
        }
        firstExtraIsFnew = fnewFirst;
        int e = interp == null ? 0 : interp.extraStages();
        extraDeps = new int[e][];
        extraA = new double[e][];
        for (int r = 0; r < e; r++) {
            extraDeps[r] = LinearCombination.liveTerms(interp.aExtraRow(r));
            extraA[r] = LinearCombination.liveValues(interp.aExtraRow(r));
        }
        allStages = new int[s + e];
        for (int i = 0; i < allStages.length; i++) allStages[i] = i;
    }
}
