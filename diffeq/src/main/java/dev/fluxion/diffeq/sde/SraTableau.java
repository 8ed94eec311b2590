package dev.fluxion.diffeq.sde;

/**
 * A stochastic Runge–Kutta method of Rößler's SRA class for SDEs with additive noise (g does not
 * depend on u), strong order 1.5 (Rößler 2010, eq. (6.3)): stages H⁰ᵢ = u + Σ A⁰ᵢⱼ f(H⁰ⱼ) h +
 * Σ B⁰ᵢⱼ g(t + c¹ⱼh) I₍₁,₀₎/h, u' = u + Σ αᵢ f(H⁰ᵢ) h + Σ (β¹ᵢ I₍₁₎ + β²ᵢ I₍₁,₀₎/h) g(t + c¹ᵢh), f at
 * t + c⁰ᵢh. Row i = stage. Error (Rackauckas &amp; Nie 2017, as StochasticDiffEq.jl): E₁ = h Σ f(H⁰ᵢ),
 * E₂ = Σ β²ᵢ g I₍₁,₀₎/h, error = E₁ + E₂ (δ = 1).
 */
public final class SraTableau {
    final String name;
    final double[] c0, c1, alpha, beta1, beta2;
    final double[][] a0, b0;

    SraTableau(String name, double[] c0, double[] c1, double[][] a0, double[][] b0, double[] alpha, double[] beta1, double[] beta2) {
        this.name = name;
        this.c0 = c0;
        this.c1 = c1;
        this.a0 = a0;
        this.b0 = b0;
        this.alpha = alpha;
        this.beta1 = beta1;
        this.beta2 = beta2;
    }

    public String name() { return name; }

    public int stages() { return alpha.length; }

    /** Copies of {c0, c1, alpha, beta1, beta2}. */
    public double[][] vectors() { return new double[][] {c0.clone(), c1.clone(), alpha.clone(), beta1.clone(), beta2.clone()}; }
}
