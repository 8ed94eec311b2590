package dev.fluxion.optim;

import java.io.PrintStream;

/**
 * The console display of a training run: iteration, loss and time per iteration, redrawn in
 * place on a terminal. AUTO shows it only when the output is a terminal.
 */
public enum Progress {
    AUTO, ALWAYS, NEVER;

    boolean enabled() {
        return this == ALWAYS || this == AUTO && System.console() != null;
    }

    static void line(PrintStream out, boolean terminal, int it, int total, double loss, double ms) {
        String s = String.format("iteration %d/%d  loss %.6g  %.2f ms/iteration", it, total, loss, ms);
        if (terminal) {
            out.print("\r" + s + "   ");
            if (it == total) out.println();
        } else {
            out.println(s);
        }
        out.flush();
    }
}
