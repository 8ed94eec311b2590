package dev.fluxion.tensor;

/**
 * Elementwise primitives: unary functions, binary ops with NumPy broadcasting, ops with a scalar
 * constant, and where. Each keeps its kernel and its derivative rules together.
 */
public final class ElementwiseOps {
    private ElementwiseOps() {}

    // ================================================================== unary

    /** Unary elementwise functions. */
    public static final class Unary extends KernelOp {
        static final int NEG_ = 0, ABS_ = 1, EXP_ = 2, LOG_ = 3, SQRT_ = 4, SQUARE_ = 5, SIN_ = 6, COS_ = 7,
                TANH_ = 8, SIGMOID_ = 9, RELU_ = 10, SOFTPLUS_ = 11, SIGN_ = 12;

        public static final Unary NEG = new Unary(NEG_, "neg");
        public static final Unary ABS = new Unary(ABS_, "abs");
        public static final Unary EXP = new Unary(EXP_, "exp");
        public static final Unary LOG = new Unary(LOG_, "log");
        public static final Unary SQRT = new Unary(SQRT_, "sqrt");
        public static final Unary SQUARE = new Unary(SQUARE_, "square");
        public static final Unary SIN = new Unary(SIN_, "sin");
        public static final Unary COS = new Unary(COS_, "cos");
        public static final Unary TANH = new Unary(TANH_, "tanh");
        public static final Unary SIGMOID = new Unary(SIGMOID_, "sigmoid");
        public static final Unary RELU = new Unary(RELU_, "relu");
        public static final Unary SOFTPLUS = new Unary(SOFTPLUS_, "softplus");
        public static final Unary SIGN = new Unary(SIGN_, "sign");

        final int code;
        private final String name;

        private Unary(int code, String name) {
            this.code = code;
            this.name = name;
        }

        @Override public String name() { return name; }

        @Override public boolean differentiable() { return code != SIGN_; }

        @Override public Shape outShape(Shape[] in) { return in[0]; }

        Tensor eager(Tensor x) {
            double[] out = new double[x.data.length];
            run(code, x.data, out);
            return new Tensor(x.shape, out);
        }

        @Override public void forwardInto(double[][] in, Shape[] inShapes, double[] out, Shape outShape) {
            run(code, in[0], out);
        }

        static void run(int code, double[] x, double[] o) {
            int n = o.length;
            if (n >= Parallel.THRESHOLD / TRANSCENDENTAL_COST && transcendental(code)) {
                // a batch's activations ([1024, 64] is 65536 tanh, ~15 % of a batched neural ODE's
                // gradient on one core): split over the cores, each element computed as serially
                Parallel.rows(n, (long) n * TRANSCENDENTAL_COST, (i0, i1) -> runRange(code, x, o, i0, i1));
                return;
            }
            runRange(code, x, o, 0, n);
        }

        /** A transcendental costs about this many multiply-adds (tanh: ~10–15 ns against ~1 ns). */
        static final int TRANSCENDENTAL_COST = 8;

        private static boolean transcendental(int code) {
            return code == EXP_ || code == LOG_ || code == SIN_ || code == COS_ || code == TANH_ || code == SIGMOID_ || code == SOFTPLUS_;
        }

        private static void runRange(int code, double[] x, double[] o, int from, int to) {
            switch (code) {
                case NEG_ -> { for (int i = from; i < to; i++) o[i] = -x[i]; }
                case ABS_ -> { for (int i = from; i < to; i++) o[i] = Math.abs(x[i]); }
                case EXP_ -> { for (int i = from; i < to; i++) o[i] = Math.exp(x[i]); }
                case LOG_ -> { for (int i = from; i < to; i++) o[i] = Math.log(x[i]); }
                case SQRT_ -> { for (int i = from; i < to; i++) o[i] = Math.sqrt(x[i]); }
                case SQUARE_ -> { for (int i = from; i < to; i++) o[i] = x[i] * x[i]; }
                case SIN_ -> { for (int i = from; i < to; i++) o[i] = Math.sin(x[i]); }
                case COS_ -> { for (int i = from; i < to; i++) o[i] = Math.cos(x[i]); }
                case TANH_ -> MathFunctions.tanh(x, o, from, to);
                case SIGMOID_ -> { for (int i = from; i < to; i++) o[i] = MathFunctions.sigmoid(x[i]); }
                case RELU_ -> { for (int i = from; i < to; i++) o[i] = MathFunctions.relu(x[i]); }
                case SOFTPLUS_ -> { for (int i = from; i < to; i++) o[i] = MathFunctions.softplus(x[i]); }
                case SIGN_ -> { for (int i = from; i < to; i++) o[i] = Math.signum(x[i]); }
                default -> throw new IllegalStateException("unknown unary op " + code);
            }
        }

        /** d out / d in, elementwise, as a tensor; null for NEG (handled by negation). */
        private Tensor derivative(Tensor x, Tensor y) {
            return switch (code) {
                case ABS_ -> x.sign();
                case EXP_ -> y;
                case LOG_ -> x.rdiv(1.0);
                case SQRT_ -> y.rdiv(0.5);
                case SQUARE_ -> x.times(2.0);
                case SIN_ -> x.cos();
                case COS_ -> x.sin().unaryMinus();
                case TANH_ -> y.square().rsub(1.0);
                case SIGMOID_ -> y.times(y.rsub(1.0));
                case RELU_ -> x.gt(0.0);
                case SOFTPLUS_ -> x.sigmoid();
                default -> throw new IllegalStateException(name + " has no derivative factor");
            };
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            if (t[0] == null || code == SIGN_) return null;
            if (code == NEG_) return t[0].unaryMinus();
            if (code == LOG_) return t[0].div(in[0]);
            return t[0].times(derivative(in[0], out));
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            if (code == SIGN_) return new Tensor[1];
            if (code == NEG_) return new Tensor[] {ct.unaryMinus()};
            if (code == LOG_) return new Tensor[] {ct.div(in[0])};
            if (code == TANH_) return new Tensor[] {TanhBackward.of(out, ct)};
            return new Tensor[] {ct.times(derivative(in[0], out))};
        }
    }

    // ================================================================== binary with broadcasting

    /** Binary elementwise ops with NumPy broadcasting. */
    public static final class Binary extends KernelOp {
        static final int ADD_ = 0, SUB_ = 1, MUL_ = 2, DIV_ = 3, POW_ = 4, MAX_ = 5, MIN_ = 6,
                GT_ = 7, GE_ = 8, LT_ = 9, LE_ = 10, EQ_ = 11, NE_ = 12;

        public static final Binary ADD = new Binary(ADD_, "add");
        public static final Binary SUB = new Binary(SUB_, "sub");
        public static final Binary MUL = new Binary(MUL_, "mul");
        public static final Binary DIV = new Binary(DIV_, "div");
        public static final Binary POW = new Binary(POW_, "pow");
        public static final Binary MAXIMUM = new Binary(MAX_, "maximum");
        public static final Binary MINIMUM = new Binary(MIN_, "minimum");
        public static final Binary GT = new Binary(GT_, "gt");
        public static final Binary GE = new Binary(GE_, "ge");
        public static final Binary LT = new Binary(LT_, "lt");
        public static final Binary LE = new Binary(LE_, "le");
        public static final Binary EQ = new Binary(EQ_, "eq");
        public static final Binary NE = new Binary(NE_, "ne");

        final int code;
        private final String name;

        private Binary(int code, String name) {
            this.code = code;
            this.name = name;
        }

        @Override public String name() { return name; }

        @Override public boolean differentiable() { return code < GT_; }

        @Override public Shape outShape(Shape[] in) { return Shape.broadcast(in[0], in[1], name); }

        Tensor eager(Tensor a, Tensor b) {
            Shape sa = a.shape, sb = b.shape;
            Shape so = sa == sb || sa.equals(sb) ? sa : Shape.broadcast(sa, sb, name);
            double[] out = new double[so.size()];
            run(a.data, sa, b.data, sb, out, so, null, null);
            return new Tensor(so, out);
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            run(in[0], s[0], in[1], s[1], out, so, null, null);
        }

        @Override public Kernel kernel(Shape[] s, Shape so) {
            Shape sa = s[0], sb = s[1];
            int n = so.size();
            if (sa.size() == n && sb.size() == n || sa.size() == 1 || sb.size() == 1) {
                return (in, out) -> run(in[0], sa, in[1], sb, out, so, null, null);
            }
            int[] ia = sa.size() == n ? null : Broadcasting.indexMap(sa, so);
            int[] ib = sb.size() == n ? null : Broadcasting.indexMap(sb, so);
            return (in, out) -> run(in[0], sa, in[1], sb, out, so, ia, ib);
        }

        private void run(double[] a, Shape sa, double[] b, Shape sb, double[] o, Shape so, int[] ia, int[] ib) {
            int n = o.length;
            if (a.length == n && b.length == n) {
                switch (code) {
                    case ADD_ -> { for (int i = 0; i < n; i++) o[i] = a[i] + b[i]; }
                    case SUB_ -> { for (int i = 0; i < n; i++) o[i] = a[i] - b[i]; }
                    case MUL_ -> { for (int i = 0; i < n; i++) o[i] = a[i] * b[i]; }
                    case DIV_ -> { for (int i = 0; i < n; i++) o[i] = a[i] / b[i]; }
                    default -> { for (int i = 0; i < n; i++) o[i] = apply(code, a[i], b[i]); }
                }
            } else if (b.length == 1) {
                double y = b[0];
                switch (code) {
                    case ADD_ -> { for (int i = 0; i < n; i++) o[i] = a[i] + y; }
                    case SUB_ -> { for (int i = 0; i < n; i++) o[i] = a[i] - y; }
                    case MUL_ -> { for (int i = 0; i < n; i++) o[i] = a[i] * y; }
                    case DIV_ -> { for (int i = 0; i < n; i++) o[i] = a[i] / y; }
                    default -> { for (int i = 0; i < n; i++) o[i] = apply(code, a[i], y); }
                }
            } else if (a.length == 1) {
                double x = a[0];
                switch (code) {
                    case ADD_ -> { for (int i = 0; i < n; i++) o[i] = x + b[i]; }
                    case SUB_ -> { for (int i = 0; i < n; i++) o[i] = x - b[i]; }
                    case MUL_ -> { for (int i = 0; i < n; i++) o[i] = x * b[i]; }
                    case DIV_ -> { for (int i = 0; i < n; i++) o[i] = x / b[i]; }
                    default -> { for (int i = 0; i < n; i++) o[i] = apply(code, x, b[i]); }
                }
            } else if (a.length == n && Broadcasting.isSuffix(sb, so)) {
                // b repeats along the leading axes ([K, n] ∘ [n]: every dual-lane JVP): block loops, no modulo
                int m = b.length;
                switch (code) {
                    case ADD_ -> { for (int base = 0; base < n; base += m) for (int j = 0; j < m; j++) o[base + j] = a[base + j] + b[j]; }
                    case SUB_ -> { for (int base = 0; base < n; base += m) for (int j = 0; j < m; j++) o[base + j] = a[base + j] - b[j]; }
                    case MUL_ -> { for (int base = 0; base < n; base += m) for (int j = 0; j < m; j++) o[base + j] = a[base + j] * b[j]; }
                    case DIV_ -> { for (int base = 0; base < n; base += m) for (int j = 0; j < m; j++) o[base + j] = a[base + j] / b[j]; }
                    default -> { for (int base = 0; base < n; base += m) for (int j = 0; j < m; j++) o[base + j] = apply(code, a[base + j], b[j]); }
                }
            } else if (b.length == n && Broadcasting.isSuffix(sa, so)) {
                int m = a.length;
                switch (code) {
                    case ADD_ -> { for (int base = 0; base < n; base += m) for (int j = 0; j < m; j++) o[base + j] = a[j] + b[base + j]; }
                    case SUB_ -> { for (int base = 0; base < n; base += m) for (int j = 0; j < m; j++) o[base + j] = a[j] - b[base + j]; }
                    case MUL_ -> { for (int base = 0; base < n; base += m) for (int j = 0; j < m; j++) o[base + j] = a[j] * b[base + j]; }
                    case DIV_ -> { for (int base = 0; base < n; base += m) for (int j = 0; j < m; j++) o[base + j] = a[j] / b[base + j]; }
                    default -> { for (int base = 0; base < n; base += m) for (int j = 0; j < m; j++) o[base + j] = apply(code, a[j], b[base + j]); }
                }
            } else {
                if (ia == null && a.length != n) ia = Broadcasting.indexMap(sa, so);
                if (ib == null && b.length != n) ib = Broadcasting.indexMap(sb, so);
                for (int i = 0; i < n; i++) {
                    o[i] = apply(code, a[ia == null ? i : ia[i]], b[ib == null ? i : ib[i]]);
                }
            }
        }

        static double apply(int code, double x, double y) {
            return switch (code) {
                case ADD_ -> x + y;
                case SUB_ -> x - y;
                case MUL_ -> x * y;
                case DIV_ -> x / y;
                case POW_ -> Math.pow(x, y);
                case MAX_ -> MathFunctions.max(x, y);
                case MIN_ -> MathFunctions.min(x, y);
                case GT_ -> MathFunctions.gt(x, y);
                case GE_ -> MathFunctions.ge(x, y);
                case LT_ -> MathFunctions.lt(x, y);
                case LE_ -> MathFunctions.le(x, y);
                case EQ_ -> MathFunctions.eq(x, y);
                case NE_ -> MathFunctions.ne(x, y);
                default -> throw new IllegalStateException("unknown binary op " + code);
            };
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            if (code >= GT_) return null;
            Tensor a = in[0], b = in[1];
            Shape so = out.shape;
            int r = so.rank();
            Tensor ta = t[0] == null ? null : Lanes.align(t[0], r);
            Tensor tb = t[1] == null ? null : Lanes.align(t[1], r);
            Tensor res = switch (code) {
                case ADD_ -> Lanes.add(ta, tb);
                case SUB_ -> tb == null ? ta : ta == null ? tb.unaryMinus() : ta.minus(tb);
                case MUL_ -> Lanes.add(ta == null ? null : ta.times(b), tb == null ? null : tb.times(a));
                case DIV_ -> Lanes.add(ta == null ? null : ta.div(b), tb == null ? null : tb.times(out.div(b)).unaryMinus());
                case POW_ -> Lanes.add(ta == null ? null : ta.times(b.times(a.pow(b.minus(1.0)))),
                        tb == null ? null : tb.times(out.times(a.log())));
                case MAX_, MIN_ -> {
                    Tensor mask = code == MAX_ ? a.ge(b) : a.le(b);
                    yield Lanes.add(ta == null ? null : ta.times(mask), tb == null ? null : tb.times(mask.rsub(1.0)));
                }
                default -> throw new IllegalStateException();
            };
            return Lanes.broadcastTo(res, so);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            Tensor[] g = new Tensor[2];
            if (code >= GT_) return g;
            Tensor a = in[0], b = in[1];
            Shape sa = a.shape, sb = b.shape;
            switch (code) {
                case ADD_ -> {
                    if (needs[0]) g[0] = ct.sumTo(sa);
                    if (needs[1]) g[1] = ct.sumTo(sb);
                }
                case SUB_ -> {
                    if (needs[0]) g[0] = ct.sumTo(sa);
                    if (needs[1]) g[1] = ct.unaryMinus().sumTo(sb);
                }
                case MUL_ -> {
                    if (needs[0]) g[0] = ct.times(b).sumTo(sa);
                    if (needs[1]) g[1] = ct.times(a).sumTo(sb);
                }
                case DIV_ -> {
                    if (needs[0]) g[0] = ct.div(b).sumTo(sa);
                    if (needs[1]) g[1] = ct.times(out.div(b)).unaryMinus().sumTo(sb);
                }
                case POW_ -> {
                    if (needs[0]) g[0] = ct.times(b.times(a.pow(b.minus(1.0)))).sumTo(sa);
                    if (needs[1]) g[1] = ct.times(out.times(a.log())).sumTo(sb);
                }
                case MAX_, MIN_ -> {
                    Tensor mask = code == MAX_ ? a.ge(b) : a.le(b);
                    if (needs[0]) g[0] = ct.times(mask).sumTo(sa);
                    if (needs[1]) g[1] = ct.times(mask.rsub(1.0)).sumTo(sb);
                }
                default -> throw new IllegalStateException();
            }
            return g;
        }
    }

    // ================================================================== with a scalar constant

    public enum ScalarKind {
        ADD("plus"), MUL("times"), DIV("div"), POW("pow"), RSUB("rsub"), RDIV("rdiv"),
        GT("gt"), GE("ge"), LT("lt"), LE("le"), EQ("eq");

        final String label;

        ScalarKind(String label) { this.label = label; }

        boolean comparison() { return ordinal() >= GT.ordinal(); }
    }

    /** x ∘ c for a constant c (plus, times, pow, c − x, c / x, comparisons). */
    public static final class ScalarOp extends KernelOp {
        final ScalarKind kind;
        final double c;

        public ScalarOp(ScalarKind kind, double c) {
            this.kind = kind;
            this.c = c;
        }

        @Override public String name() { return kind.label + "(" + c + ")"; }

        public ScalarKind kind() { return kind; }

        public double constant() { return c; }

        @Override public boolean differentiable() { return !kind.comparison(); }

        @Override public Shape outShape(Shape[] in) { return in[0]; }

        static Tensor eager(ScalarKind kind, double c, Tensor x) {
            double[] out = new double[x.data.length];
            run(kind, c, x.data, out);
            return new Tensor(x.shape, out);
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            run(kind, c, in[0], out);
        }

        static void run(ScalarKind kind, double c, double[] x, double[] o) {
            int n = o.length;
            switch (kind) {
                case ADD -> { for (int i = 0; i < n; i++) o[i] = x[i] + c; }
                case MUL -> { for (int i = 0; i < n; i++) o[i] = x[i] * c; }
                case DIV -> { for (int i = 0; i < n; i++) o[i] = x[i] / c; }
                case POW -> { for (int i = 0; i < n; i++) o[i] = MathFunctions.powConst(x[i], c); }
                case RSUB -> { for (int i = 0; i < n; i++) o[i] = c - x[i]; }
                case RDIV -> { for (int i = 0; i < n; i++) o[i] = c / x[i]; }
                case GT -> { for (int i = 0; i < n; i++) o[i] = x[i] > c ? 1.0 : 0.0; }
                case GE -> { for (int i = 0; i < n; i++) o[i] = x[i] >= c ? 1.0 : 0.0; }
                case LT -> { for (int i = 0; i < n; i++) o[i] = x[i] < c ? 1.0 : 0.0; }
                case LE -> { for (int i = 0; i < n; i++) o[i] = x[i] <= c ? 1.0 : 0.0; }
                case EQ -> { for (int i = 0; i < n; i++) o[i] = x[i] == c ? 1.0 : 0.0; }
            }
        }

        /** d out / d x as a tensor, or null when it is the constant 1. */
        private Tensor derivative(Tensor x, Tensor y) {
            return switch (kind) {
                case POW -> c == 1.0 ? null : c == 2.0 ? x.times(2.0) : x.pow(c - 1.0).times(c);
                case RDIV -> y.div(x).unaryMinus();
                default -> throw new IllegalStateException();
            };
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            Tensor d = t[0];
            if (d == null || kind.comparison()) return null;
            return switch (kind) {
                case ADD -> d;
                case MUL -> d.times(c);
                case DIV -> d.div(c);
                case RSUB -> d.unaryMinus();
                case POW -> c == 0.0 ? null : c == 1.0 ? d : d.times(derivative(in[0], out));
                case RDIV -> d.times(derivative(in[0], out));
                default -> throw new IllegalStateException();
            };
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            if (kind.comparison()) return new Tensor[1];
            Tensor g = switch (kind) {
                case ADD -> ct;
                case MUL -> ct.times(c);
                case DIV -> ct.div(c);
                case RSUB -> ct.unaryMinus();
                case POW -> c == 0.0 ? null : c == 1.0 ? ct : ct.times(derivative(in[0], out));
                case RDIV -> ct.times(derivative(in[0], out));
                default -> throw new IllegalStateException();
            };
            return new Tensor[] {g};
        }
    }

    // ================================================================== where

    /** cond ? a : b with three-way broadcasting; cond gets no derivative. */
    public static final class Where extends KernelOp {
        public static final Where INSTANCE = new Where();

        private Where() {}

        @Override public String name() { return "where"; }

        @Override public Shape outShape(Shape[] in) {
            return Shape.broadcast(Shape.broadcast(in[0], in[1], "where"), in[2], "where");
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            int n = out.length;
            int[] ic = s[0].size() == n ? null : Broadcasting.indexMap(s[0], so);
            int[] ia = s[1].size() == n ? null : Broadcasting.indexMap(s[1], so);
            int[] ib = s[2].size() == n ? null : Broadcasting.indexMap(s[2], so);
            double[] c = in[0], a = in[1], b = in[2];
            for (int i = 0; i < n; i++) {
                double cv = c[ic == null ? i : ic[i]];
                out[i] = cv != 0.0 ? a[ia == null ? i : ia[i]] : b[ib == null ? i : ib[i]];
            }
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            if (t[1] == null && t[2] == null) return null;
            int r = out.shape.rank();
            Tensor zero = Tensor.scalar(0.0);
            Tensor ta = t[1] == null ? zero : Lanes.align(t[1], r);
            Tensor tb = t[2] == null ? zero : Lanes.align(t[2], r);
            // cond has rank <= r, so it lines up with the value axes and the lane axis broadcasts.
            return Lanes.broadcastTo(Tensor.where(in[0], ta, tb), out.shape);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            Tensor zero = Tensor.scalar(0.0);
            Tensor cond = in[0];
            Tensor[] g = new Tensor[3];
            if (needs[1]) g[1] = Tensor.where(cond, ct, zero).sumTo(in[1].shape);
            if (needs[2]) g[2] = Tensor.where(cond, zero, ct).sumTo(in[2].shape);
            return g;
        }
    }
}
