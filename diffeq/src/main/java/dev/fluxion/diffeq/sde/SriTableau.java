package dev.fluxion.diffeq.sde;

/**
 * A stochastic Runge–Kutta method of Rößler's SRI class for Itô SDEs with diagonal (or scalar)
 * noise, strong order 1.5 (Rößler 2010, SIAM J. Numer. Anal. 48(3), 922–952, eq. (6.1)): stages
 * H⁰ᵢ = u + Σ A⁰ᵢⱼ f(H⁰ⱼ) h + Σ B⁰ᵢⱼ g(H¹ⱼ) I₍₁,₀₎/h and H¹ᵢ = u + Σ A¹ᵢⱼ f(H⁰ⱼ) h + Σ B¹ᵢⱼ g(H¹ⱼ) √h,
 * u' = u + Σ αᵢ f(H⁰ᵢ) h + Σ (β¹ᵢ I₍₁₎ + β²ᵢ I₍₁,₁₎/√h + β³ᵢ I₍₁,₀₎/h + β⁴ᵢ I₍₁,₁,₁₎/h) g(H¹ᵢ),
 * f at t + c⁰ᵢ h and g at t + c¹ᵢ h. Matrices are row i = stage, column j; data only, with the
 * embedded error's shape (Rackauckas &amp; Nie 2017): E₁ = h Σ_{i ≤ errorTerms} f(H⁰ᵢ), E₂ the β³/β⁴
 * part, error = δ E₁ + E₂.
 */
public final class SriTableau {
    final String name;
    final double[] c0, c1, alpha, beta1, beta2, beta3, beta4;
    final double[][] a0, a1, b0, b1;
    final int errorTerms;
    final double delta;

    SriTableau(String name, double[] c0, double[] c1, double[][] a0, double[][] a1, double[][] b0, double[][] b1,
               double[] alpha, double[] beta1, double[] beta2, double[] beta3, double[] beta4, int errorTerms, double delta) {
        this.name = name;
        this.c0 = c0;
        this.c1 = c1;
        this.a0 = a0;
        this.a1 = a1;
        this.b0 = b0;
        this.b1 = b1;
        this.alpha = alpha;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.beta3 = beta3;
        this.beta4 = beta4;
        this.errorTerms = errorTerms;
        this.delta = delta;
    }

    public String name() { return name; }

    public int stages() { return alpha.length; }

    /** Copies of the coefficients, for order-condition checks: {c0, c1, alpha, beta1..beta4}. */
    public double[][] vectors() { return new double[][] {c0.clone(), c1.clone(), alpha.clone(), beta1.clone(), beta2.clone(), beta3.clone(), beta4.clone()}; }

    /** Copies of {A0, A1, B0, B1}. */
    public double[][][] matrices() {
        return new double[][][] {copy(a0), copy(a1), copy(b0), copy(b1)};
    }

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) c[i] = x[i].clone();
        return c;
    }
}
