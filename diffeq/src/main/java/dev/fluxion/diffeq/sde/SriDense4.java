package dev.fluxion.diffeq.sde;

/**
 * The coefficients of a four-stage SRI tableau whose strictly lower A⁰, A¹, B⁰, B¹ and all final
 * weights are nonzero (SOSRI), as scalar fields: what {@code SriStepper}'s and
 * {@code SrkDiscreteAdjoint}'s written-out steps read once per step. A field is one load, where
 * {@code tab.a0[3][2]} is three (the 2-D array, its row, the entry) with a bounds check on each
 * index; a step reads about 60 of them, and at two components that is a visible part of a step.
 * Names: a0ij = A⁰ᵢⱼ, b1ij = B¹ᵢⱼ, c0i = c⁰ᵢ, alj = αⱼ, p1j … p4j = β¹ⱼ … β⁴ⱼ.
 */
final class SriDense4 {
    final double c00, c01, c02, c03, c10, c11, c12, c13;
    final double a010, a020, a021, a030, a031, a032;
    final double a110, a120, a121, a130, a131, a132;
    final double b010, b020, b021, b030, b031, b032;
    final double b110, b120, b121, b130, b131, b132;
    final double al0, al1, al2, al3;
    final double p10, p11, p12, p13, p20, p21, p22, p23, p30, p31, p32, p33, p40, p41, p42, p43;

    private SriDense4(SriTableau t) {
        c00 = t.c0[0]; c01 = t.c0[1]; c02 = t.c0[2]; c03 = t.c0[3];
        c10 = t.c1[0]; c11 = t.c1[1]; c12 = t.c1[2]; c13 = t.c1[3];
        a010 = t.a0[1][0]; a020 = t.a0[2][0]; a021 = t.a0[2][1]; a030 = t.a0[3][0]; a031 = t.a0[3][1]; a032 = t.a0[3][2];
        a110 = t.a1[1][0]; a120 = t.a1[2][0]; a121 = t.a1[2][1]; a130 = t.a1[3][0]; a131 = t.a1[3][1]; a132 = t.a1[3][2];
        b010 = t.b0[1][0]; b020 = t.b0[2][0]; b021 = t.b0[2][1]; b030 = t.b0[3][0]; b031 = t.b0[3][1]; b032 = t.b0[3][2];
        b110 = t.b1[1][0]; b120 = t.b1[2][0]; b121 = t.b1[2][1]; b130 = t.b1[3][0]; b131 = t.b1[3][1]; b132 = t.b1[3][2];
        al0 = t.alpha[0]; al1 = t.alpha[1]; al2 = t.alpha[2]; al3 = t.alpha[3];
        p10 = t.beta1[0]; p11 = t.beta1[1]; p12 = t.beta1[2]; p13 = t.beta1[3];
        p20 = t.beta2[0]; p21 = t.beta2[1]; p22 = t.beta2[2]; p23 = t.beta2[3];
        p30 = t.beta3[0]; p31 = t.beta3[1]; p32 = t.beta3[2]; p33 = t.beta3[3];
        p40 = t.beta4[0]; p41 = t.beta4[1]; p42 = t.beta4[2]; p43 = t.beta4[3];
    }

    /**
     * The coefficients of t when it has four stages, every strictly lower A⁰, A¹, B⁰, B¹ entry and
     * every final weight nonzero (so a step that skips zero terms and one that writes them all out
     * add the same terms), else null.
     */
    static SriDense4 of(SriTableau t) {
        if (t.stages() != 4) return null;
        for (int i = 1; i < 4; i++) {
            for (int j = 0; j < i; j++) {
                if (t.a0[i][j] == 0.0 || t.a1[i][j] == 0.0 || t.b0[i][j] == 0.0 || t.b1[i][j] == 0.0) return null;
            }
        }
        for (int j = 0; j < 4; j++) {
            if (t.alpha[j] == 0.0 || t.beta1[j] == 0.0 || t.beta2[j] == 0.0 || t.beta3[j] == 0.0 || t.beta4[j] == 0.0) return null;
        }
        return new SriDense4(t);
    }
}
