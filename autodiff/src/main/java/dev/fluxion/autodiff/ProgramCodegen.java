package dev.fluxion.autodiff;

import dev.fluxion.tensor.Broadcasting;
import dev.fluxion.tensor.ElementwiseOps;
import dev.fluxion.tensor.Kernel;
import dev.fluxion.tensor.LinearCombination;
import dev.fluxion.tensor.MatMul;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.ReductionOps;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.ShapeOps;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a compiled program into JVM bytecode: one hidden class whose straight-line code computes
 * every small node element by element (x[3] = a[0] * b[1] + ...), so a small right-hand side such
 * as Lotka–Volterra runs as a handful of arithmetic instructions instead of a loop over kernel
 * objects. Large nodes (a 50×50 matmul, a linear solve, custom ops) stay calls to their kernels,
 * whose cost is then dominated by the work itself. The code is branch-free: every conditional
 * scalar semantics goes through {@link dev.fluxion.tensor.MathFunctions}, which the interpreted
 * kernels use too, so both paths agree bit for bit.
 */
final class ProgramCodegen {
    private ProgramCodegen() {}

    /** What generated code implements. */
    interface Code {
        void run(double[][] buf, double[][][] args, Kernel[] kernels);

        /**
         * The direct entry of a program whose every instruction is unrolled and that has a single
         * output (generated only then): explicit input i is read from in[i], by reference, and the
         * output is written into out from offset; buf holds the intermediate slots, the implicit
         * inputs and the constants. Nothing else is read or written: no argument or result
         * handling around the arithmetic.
         */
        default void call(double[][] buf, double[][] in, double[] out, int offset) {
            throw new UnsupportedOperationException("no direct entry");
        }

        /** As {@link #call}, for any number of outputs: output o written into outs[o] from 0. */
        default void callAll(double[][] buf, double[][] in, double[][] outs) {
            throw new UnsupportedOperationException("no direct entry");
        }
    }

    /** One instruction of a program. */
    record Instr(Op op, Shape[] inShapes, Shape outShape, int[] argSlots, int outSlot) {}

    /** -Dfluxion.codegen.debug=true reports programs that could not be generated. */
    static final boolean DEBUG = Boolean.getBoolean("fluxion.codegen.debug");

    /** Largest number of element operations an instruction may have to be unrolled. */
    static final int UNROLL_LIMIT = Integer.getInteger("fluxion.codegen.unroll", 16);
    /** Bytecode budget per generated method, below HotSpot's HugeMethodLimit (8000) so the JIT compiles it. */
    private static final int METHOD_BUDGET = 6000;
    private static final String MF = "dev/fluxion/tensor/MathFunctions";
    private static final String KERNEL = "dev/fluxion/tensor/Kernel";
    private static final String CODE = "dev/fluxion/autodiff/ProgramCodegen$Code";

    // ------------------------------------------------------------------ element expressions

    private sealed interface Expr permits Load, Const, Un, Bin, Sel {}

    private record Load(int arg, int index) implements Expr {}

    private record Const(double value) implements Expr {}

    /** A unary JVM op ("dneg") or a static call ("java/lang/Math.exp", "MF.tanh"). */
    private record Un(String fn, Expr x) implements Expr {}

    private record Bin(String fn, Expr a, Expr b) implements Expr {}

    private record Sel(Expr c, Expr a, Expr b) implements Expr {}

    /** The expressions of every output element, or null if this op is left to its kernel. */
    static Expr[] expand(Instr in) {
        Op op = in.op();
        Shape out = in.outShape();
        int n = out.size();
        Shape[] s = in.inShapes();
        if (op instanceof ElementwiseOps.Unary u) {
            if (n > UNROLL_LIMIT) return null;
            Expr[] e = new Expr[n];
            for (int i = 0; i < n; i++) e[i] = unary(u.name(), new Load(0, i));
            return e;
        }
        if (op instanceof ElementwiseOps.Binary b) {
            if (n > UNROLL_LIMIT) return null;
            int[] ia = s[0].size() == n ? null : Broadcasting.indexMap(s[0], out);
            int[] ib = s[1].size() == n ? null : Broadcasting.indexMap(s[1], out);
            Expr[] e = new Expr[n];
            for (int i = 0; i < n; i++) {
                e[i] = binary(b.name(), new Load(0, ia == null ? i : ia[i]), new Load(1, ib == null ? i : ib[i]));
            }
            return e;
        }
        if (op instanceof ElementwiseOps.ScalarOp so) {
            if (n > UNROLL_LIMIT) return null;
            Expr[] e = new Expr[n];
            for (int i = 0; i < n; i++) e[i] = scalar(so.kind(), so.constant(), new Load(0, i));
            return e;
        }
        if (op instanceof ElementwiseOps.Where) {
            if (n > UNROLL_LIMIT) return null;
            int[][] maps = new int[3][];
            for (int k = 0; k < 3; k++) maps[k] = s[k].size() == n ? null : Broadcasting.indexMap(s[k], out);
            Expr[] e = new Expr[n];
            for (int i = 0; i < n; i++) {
                e[i] = new Sel(load(0, maps[0], i), load(1, maps[1], i), load(2, maps[2], i));
            }
            return e;
        }
        if (op instanceof LinearCombination lc) {
            double[] c = lc.coefficients();
            int[] live = LinearCombination.liveTerms(c);   // the kernel's order of addition
            if ((long) n * Math.max(live.length, 1) > UNROLL_LIMIT) return null;
            Expr[] e = new Expr[n];
            for (int i = 0; i < n; i++) {
                Expr acc = null;
                for (int m : live) {
                    Expr term = new Bin("dmul", new Const(c[m]), new Load(m, i));
                    acc = acc == null ? term : new Bin("dadd", acc, term);
                }
                e[i] = acc == null ? new Const(0.0) : acc;
            }
            return e;
        }
        if (op instanceof ShapeOps.Slice || op instanceof ShapeOps.PadSlice || op instanceof ShapeOps.Concat
                || op instanceof ShapeOps.BroadcastTo || op instanceof ShapeOps.Transpose) {
            if (n > UNROLL_LIMIT) return null;
            return gather(in);
        }
        if (op instanceof ShapeOps.PadSum ps) {
            if (n > UNROLL_LIMIT) return null;
            return padSum(ps, s, out);
        }
        if (op instanceof ReductionOps.SumAll) {
            if (s[0].size() > UNROLL_LIMIT) return null;
            Expr acc = new Const(0.0);
            for (int i = 0; i < s[0].size(); i++) acc = new Bin("dadd", acc, new Load(0, i));
            return new Expr[] {acc};
        }
        if (op instanceof ShapeOps.SumTo st) {
            int m = s[0].size();
            if (m > UNROLL_LIMIT) return null;
            int[] map = Broadcasting.indexMap(st.target(), s[0]);
            Expr[] e = new Expr[n];
            for (int j = 0; j < n; j++) e[j] = new Const(0.0);
            for (int i = 0; i < m; i++) e[map[i]] = new Bin("dadd", e[map[i]], new Load(0, i));
            return e;
        }
        if (op instanceof ReductionOps.SumAxis sa) {
            if (s[0].size() > UNROLL_LIMIT) return null;
            return axisReduce(s[0], sa.axis(), false);
        }
        if (op instanceof ReductionOps.Max mx) {
            if (s[0].size() > UNROLL_LIMIT) return null;
            if (mx.axis() < 0) {
                Expr acc = new Const(Double.NEGATIVE_INFINITY);
                for (int i = 0; i < s[0].size(); i++) acc = new Bin(MF + ".maxStep", acc, new Load(0, i));
                return new Expr[] {acc};
            }
            return axisReduce(s[0], mx.axis(), true);
        }
        if (op instanceof MatMul mm) {
            Shape sa = s[0], sb = s[1];
            boolean ta = mm.transA(), tb = mm.transB();
            int m = ta ? sa.dim(-1) : sa.dim(-2), k = ta ? sa.dim(-2) : sa.dim(-1), nn = tb ? sb.dim(-2) : sb.dim(-1);
            if ((long) n * k > UNROLL_LIMIT) return null;
            int batches = n / Math.max(1, m * nn);
            int[] ia = new int[batches], ib = new int[batches];
            if (sa.rank() > 2 || sb.rank() > 2) {
                Shape ob = batchOf(out);
                ia = Broadcasting.indexMap(batchOf(sa), ob);
                ib = Broadcasting.indexMap(batchOf(sb), ob);
            }
            Expr[] e = new Expr[n];
            for (int q = 0; q < batches; q++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < nn; j++) {
                        // the kernel's order: an outer product (k = 1) is a single product; otherwise 0 + Σ_p
                        Expr acc = k == 1 ? null : new Const(0.0);
                        for (int p = 0; p < k; p++) {
                            int ai = ia[q] * m * k + (ta ? p * m + i : i * k + p);
                            int bi = ib[q] * k * nn + (tb ? j * k + p : p * nn + j);
                            Expr term = new Bin("dmul", new Load(0, ai), new Load(1, bi));
                            acc = acc == null ? term : new Bin("dadd", acc, term);
                        }
                        e[q * m * nn + i * nn + j] = acc;
                    }
                }
            }
            return e;
        }
        return null;
    }

    private static Shape batchOf(Shape s) {
        int[] d = s.dims();
        return Shape.of(java.util.Arrays.copyOf(d, d.length - 2));
    }

    private static Expr load(int arg, int[] map, int i) {
        return new Load(arg, map == null ? i : map[i]);
    }

    /** Sum (or NaN-propagating max) along one axis, in the kernel's order. */
    private static Expr[] axisReduce(Shape sx, int axis, boolean max) {
        int[] d = sx.dims();
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= d[i];
        for (int i = axis + 1; i < d.length; i++) inner *= d[i];
        int n = d[axis];
        Expr[] e = new Expr[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                Expr acc = new Const(max ? Double.NEGATIVE_INFINITY : 0.0);
                for (int k = 0; k < n; k++) {
                    Load v = new Load(0, (o * n + k) * inner + i);
                    acc = max ? new Bin(MF + ".maxStep", acc, v) : new Bin("dadd", acc, v);
                }
                e[o * inner + i] = acc;
            }
        }
        return e;
    }

    /** Data movement ops: run the kernel on inputs whose values name their own position. */
    private static Expr[] gather(Instr in) {
        Shape[] s = in.inShapes();
        double[][] coded = new double[s.length][];
        for (int a = 0; a < s.length; a++) {
            coded[a] = new double[s[a].size()];
            for (int i = 0; i < coded[a].length; i++) coded[a][i] = ((long) a << 24 | i) + 1;
        }
        double[] out = new double[in.outShape().size()];
        in.op().kernel(s, in.outShape()).run(coded, out);
        Expr[] e = new Expr[out.length];
        for (int i = 0; i < out.length; i++) {
            long c = (long) out[i];
            e[i] = c == 0 ? new Const(0.0) : new Load((int) ((c - 1) >> 24), (int) ((c - 1) & 0xFFFFFF));
        }
        return e;
    }

    /**
     * A pad-sum, the compiled gradient of a vector read element by element (u[0], u[1], ... in a
     * right-hand side: each read's VJP pads its cotangent into u's length, and Fusion joins the pads'
     * sum): each output element is the kernel's 0 + piece + piece ... over the pieces covering it,
     * in the pieces' order, so the same numbers (a −0 piece alone gives +0, as the kernel does).
     * Elements no piece covers are 0. Unrolled, the program keeps its direct entry, which one
     * kernel call would cost it.
     */
    private static Expr[] padSum(ShapeOps.PadSum ps, Shape[] s, Shape out) {
        int axis = ps.axis(), full = ps.full();
        int[] starts = ps.starts();
        int[] d = out.dims();
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= d[i];
        for (int i = axis + 1; i < d.length; i++) inner *= d[i];
        Expr[] e = new Expr[out.size()];
        for (int i = 0; i < s.length; i++) {
            int len = s[i].dim(axis) * inner;
            for (int o = 0; o < outer; o++) {
                int src = o * len, dst = (o * full + starts[i]) * inner;
                for (int j = 0; j < len; j++) {
                    Expr acc = e[dst + j] == null ? new Const(0.0) : e[dst + j];
                    e[dst + j] = new Bin("dadd", acc, new Load(i, src + j));
                }
            }
        }
        for (int k = 0; k < e.length; k++) if (e[k] == null) e[k] = new Const(0.0);
        return e;
    }

    private static Expr unary(String name, Expr x) {
        return switch (name) {
            case "neg" -> new Un("dneg", x);
            case "abs" -> new Un("java/lang/Math.abs", x);
            case "exp" -> new Un("java/lang/Math.exp", x);
            case "log" -> new Un("java/lang/Math.log", x);
            case "sqrt" -> new Un("java/lang/Math.sqrt", x);
            case "square" -> new Un("square", x);
            case "sin" -> new Un("java/lang/Math.sin", x);
            case "cos" -> new Un("java/lang/Math.cos", x);
            case "tanh" -> new Un(MF + ".tanh", x);
            case "sigmoid" -> new Un(MF + ".sigmoid", x);
            case "relu" -> new Un(MF + ".relu", x);
            case "softplus" -> new Un(MF + ".softplus", x);
            case "sign" -> new Un("java/lang/Math.signum", x);
            default -> throw new IllegalStateException("no bytecode for unary op " + name);
        };
    }

    private static Expr binary(String name, Expr a, Expr b) {
        return switch (name) {
            case "add" -> new Bin("dadd", a, b);
            case "sub" -> new Bin("dsub", a, b);
            case "mul" -> new Bin("dmul", a, b);
            case "div" -> new Bin("ddiv", a, b);
            case "pow" -> new Bin("java/lang/Math.pow", a, b);
            case "maximum" -> new Bin(MF + ".max", a, b);
            case "minimum" -> new Bin(MF + ".min", a, b);
            case "gt", "ge", "lt", "le", "eq", "ne" -> new Bin(MF + "." + name, a, b);
            default -> throw new IllegalStateException("no bytecode for binary op " + name);
        };
    }

    private static Expr scalar(ElementwiseOps.ScalarKind kind, double c, Expr x) {
        Const k = new Const(c);
        return switch (kind) {
            case ADD -> new Bin("dadd", x, k);
            case MUL -> new Bin("dmul", x, k);
            case DIV -> new Bin("ddiv", x, k);
            case POW -> c == 2.0 ? new Un("square", x) : new Bin(MF + ".powConst", x, k);
            case RSUB -> new Bin("dsub", k, x);
            case RDIV -> new Bin("ddiv", k, x);
            case GT -> new Bin(MF + ".gt", x, k);
            case GE -> new Bin(MF + ".ge", x, k);
            case LT -> new Bin(MF + ".lt", x, k);
            case LE -> new Bin(MF + ".le", x, k);
            case EQ -> new Bin(MF + ".eq", x, k);
        };
    }

    /** Whether every instruction is unrolled into generated code (none is left to a kernel call). */
    static boolean allUnrolled(Instr[] instrs) {
        for (Instr in : instrs) if (expand(in) == null) return false;
        return true;
    }

    // ------------------------------------------------------------------ emission

    private static final java.util.concurrent.atomic.AtomicInteger COUNTER = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Generates the code of a program, or returns null when no instruction gains from it. With
     * direct (the caller has checked that every instruction unrolls, that the outputs are distinct
     * slots and none is an input or a constant) the class also gets the direct entries
     * {@link Code#call} (one output) and {@link Code#callAll}, explicit input i being the slot
     * inputSlots[i].
     */
    static Code generate(Instr[] instrs, int[] outputSlots, int[] inputSlots, boolean direct) {
        Expr[][] exprs = new Expr[instrs.length][];
        int unrolled = 0;
        for (int k = 0; k < instrs.length; k++) {
            Expr[] e = expand(instrs[k]);
            if (e != null) {
                // loads name slots from here on, not argument positions, so expressions can move between instructions
                for (int i = 0; i < e.length; i++) e[i] = absolute(e[i], instrs[k].argSlots());
                unrolled++;
            }
            exprs[k] = e;
        }
        if (unrolled == 0) return null;
        boolean[] inlined = fuse(instrs, exprs, outputSlots);
        String name = "dev/fluxion/autodiff/GeneratedProgram" + COUNTER.incrementAndGet();
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, name, null, "java/lang/Object", new String[] {CODE});
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        // split the instruction list into parts that fit the JIT's method size limit
        List<int[]> parts = split(instrs, exprs, inlined);
        emitEntry(cw, name, "run", "([[D[[[D[L" + KERNEL + ";)V", instrs, exprs, inlined, parts, Emitter.Mode.RUN, outputSlots, inputSlots);
        if (direct) {
            if (outputSlots.length == 1) {
                emitEntry(cw, name, "call", "([[D[[D[DI)V", instrs, exprs, inlined, parts, Emitter.Mode.CALL, outputSlots, inputSlots);
            }
            emitEntry(cw, name, "callAll", "([[D[[D[[D)V", instrs, exprs, inlined, parts, Emitter.Mode.CALL_ALL, outputSlots, inputSlots);
        }
        cw.visitEnd();
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(cw.toByteArray(), true);
            return (Code) lookup.findConstructor(lookup.lookupClass(), java.lang.invoke.MethodType.methodType(void.class)).invoke();
        } catch (Throwable t) {
            // the interpreter remains correct; generation is only an accelerator
            if (DEBUG) System.err.println("ProgramCodegen: falling back to the interpreter: " + t);
            return null;
        }
    }

    /** The instruction list cut into ranges [from, to) whose code fits the JIT's method size limit. */
    private static List<int[]> split(Instr[] instrs, Expr[][] exprs, boolean[] inlined) {
        List<int[]> parts = new ArrayList<>();
        int start = 0, bytes = 0;
        for (int k = 0; k < instrs.length; k++) {
            int cost = inlined[k] ? 0 : exprs[k] == null ? 30 : estimate(exprs[k]);
            if (bytes + cost > METHOD_BUDGET && k > start) {
                parts.add(new int[] {start, k});
                start = k;
                bytes = 0;
            }
            bytes += cost;
        }
        parts.add(new int[] {start, instrs.length});
        return parts;
    }

    /**
     * One entry of the Code interface: a static method per part (named after the entry), and the
     * public method calling them in order with its own arguments. A single part is the entry's
     * body itself: the caller then reaches the arithmetic through one call, not two.
     */
    private static void emitEntry(ClassWriter cw, String cls, String entry, String desc, Instr[] instrs, Expr[][] exprs,
                                  boolean[] inlined, List<int[]> parts, Emitter.Mode mode, int[] outputSlots, int[] inputSlots) {
        if (parts.size() == 1) {
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, entry, desc, null, null);
            mv.visitCode();
            new Emitter(mv, mode, 1, outputSlots, inputSlots).emit(instrs, exprs, inlined, 0, instrs.length);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            return;
        }
        for (int pi = 0; pi < parts.size(); pi++) {
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, entry + pi, desc, null, null);
            mv.visitCode();
            new Emitter(mv, mode, 0, outputSlots, inputSlots).emit(instrs, exprs, inlined, parts.get(pi)[0], parts.get(pi)[1]);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        MethodVisitor run = cw.visitMethod(Opcodes.ACC_PUBLIC, entry, desc, null, null);
        run.visitCode();
        int params = mode == Emitter.Mode.CALL ? 4 : 3;
        for (int pi = 0; pi < parts.size(); pi++) {
            for (int a = 1; a <= params; a++) run.visitVarInsn(mode == Emitter.Mode.CALL && a == 4 ? Opcodes.ILOAD : Opcodes.ALOAD, a);
            run.visitMethodInsn(Opcodes.INVOKESTATIC, cls, entry + pi, desc, false);
        }
        run.visitInsn(Opcodes.RETURN);
        run.visitMaxs(0, 0);
        run.visitEnd();
    }

    /** The expression with Load(arg, i) rewritten to Load(slot of arg, i). */
    private static Expr absolute(Expr e, int[] argSlots) {
        if (e instanceof Load l) return new Load(argSlots[l.arg()], l.index());
        if (e instanceof Un u) return new Un(u.fn(), absolute(u.x(), argSlots));
        if (e instanceof Bin b) return new Bin(b.fn(), absolute(b.a(), argSlots), absolute(b.b(), argSlots));
        if (e instanceof Sel c) return new Sel(absolute(c.c(), argSlots), absolute(c.a(), argSlots), absolute(c.b(), argSlots));
        return e;
    }

    /** Largest expression (in nodes) an instruction's element may grow to by fusion. */
    private static final int FUSE_LIMIT = 64;

    /**
     * Expression fusion: an unrolled instruction whose result only feeds other unrolled
     * instructions is not stored at all; its element expressions are substituted where they are
     * read (x = u[0]; y = x * p[1] becomes y = u[0] * p[1]). The JIT cannot do this itself: a store
     * to one buffer and a load from another may alias as far as it knows. Slots are written once
     * (the program is in SSA form), so a substituted expression always reads the values it would
     * have read. Work is never duplicated: an element is substituted into at most one reader
     * unless it is a bare load or constant. Rewrites exprs in place; returns which instructions
     * are no longer emitted.
     */
    private static boolean[] fuse(Instr[] instrs, Expr[][] exprs, int[] outputSlots) {
        int n = instrs.length;
        Map<Integer, Integer> defOf = new HashMap<>();
        for (int k = 0; k < n; k++) defOf.put(instrs[k].outSlot(), k);
        boolean[] blocked = new boolean[n];
        int[][] reads = new int[n][];
        for (int k = 0; k < n; k++) if (exprs[k] != null) reads[k] = new int[exprs[k].length];
        for (int o : outputSlots) {
            Integer d = defOf.get(o);
            if (d != null) blocked[d] = true;
        }
        for (int k = 0; k < n; k++) {
            if (exprs[k] == null) {   // a kernel reads its arguments' buffers
                for (int a : instrs[k].argSlots()) {
                    Integer d = defOf.get(a);
                    if (d != null) blocked[d] = true;
                }
                continue;
            }
            for (Expr e : exprs[k]) countReads(e, defOf, reads);
        }
        boolean[] inlined = new boolean[n];
        Expr[][] value = new Expr[n][];   // the substituted expressions of inlined instructions
        for (int k = 0; k < n; k++) {
            if (exprs[k] == null) continue;
            Expr[] e = exprs[k];
            for (int i = 0; i < e.length; i++) e[i] = substitute(e[i], defOf, inlined, value);
            if (blocked[k] || defOf.get(instrs[k].outSlot()) != k) continue;
            boolean ok = true;
            for (int i = 0; i < e.length && ok; i++) {
                boolean leaf = e[i] instanceof Load || e[i] instanceof Const;
                ok = (leaf || reads[k][i] <= 1) && size(e[i]) <= 3 * FUSE_LIMIT;
            }
            if (ok) {
                inlined[k] = true;
                value[k] = e;
            }
        }
        return inlined;
    }

    private static void countReads(Expr e, Map<Integer, Integer> defOf, int[][] reads) {
        if (e instanceof Load l) {
            Integer d = defOf.get(l.arg());
            if (d != null && reads[d] != null) reads[d][l.index()]++;
        } else if (e instanceof Un u) {
            countReads(u.x(), defOf, reads);
        } else if (e instanceof Bin b) {
            countReads(b.a(), defOf, reads);
            countReads(b.b(), defOf, reads);
        } else if (e instanceof Sel c) {
            countReads(c.c(), defOf, reads);
            countReads(c.a(), defOf, reads);
            countReads(c.b(), defOf, reads);
        }
    }

    private static Expr substitute(Expr e, Map<Integer, Integer> defOf, boolean[] inlined, Expr[][] value) {
        if (e instanceof Load l) {
            Integer d = defOf.get(l.arg());
            return d != null && inlined[d] ? value[d][l.index()] : e;
        }
        if (e instanceof Un u) return new Un(u.fn(), substitute(u.x(), defOf, inlined, value));
        if (e instanceof Bin b) return new Bin(b.fn(), substitute(b.a(), defOf, inlined, value), substitute(b.b(), defOf, inlined, value));
        if (e instanceof Sel c) {
            return new Sel(substitute(c.c(), defOf, inlined, value), substitute(c.a(), defOf, inlined, value),
                    substitute(c.b(), defOf, inlined, value));
        }
        return e;
    }

    private static int estimate(Expr[] e) {
        int b = 0;
        for (Expr x : e) b += 8 + size(x);
        return b;
    }

    private static int size(Expr e) {
        if (e instanceof Load) return 6;
        if (e instanceof Const) return 3;
        if (e instanceof Un u) return 3 + size(u.x());
        if (e instanceof Bin b) return 3 + size(b.a()) + size(b.b());
        Sel s = (Sel) e;
        return 3 + size(s.c()) + size(s.a()) + size(s.b());
    }

    /**
     * Emits one method's body. Its parameters start at local {@code base} (1 in an instance
     * method, 0 in a static part): RUN takes (buf, args, kernels); CALL (buf, in, out, offset);
     * CALL_ALL (buf, in, outs). Array references are cached in locals after the parameters.
     */
    private static final class Emitter {
        enum Mode { RUN, CALL, CALL_ALL }

        private final MethodVisitor mv;
        private final Mode mode;
        private final int base;
        private final Map<Integer, Integer> slotLocal = new HashMap<>();
        /** In the direct modes: explicit input index by slot, output index by slot. */
        private final Map<Integer, Integer> inputOf = new HashMap<>(), outputOf = new HashMap<>();
        private int nextLocal;

        Emitter(MethodVisitor mv, Mode mode, int base, int[] outputSlots, int[] inputSlots) {
            this.mv = mv;
            this.mode = mode;
            this.base = base;
            this.nextLocal = base + (mode == Mode.CALL ? 4 : 3);
            if (mode != Mode.RUN) {
                for (int i = 0; i < inputSlots.length; i++) inputOf.putIfAbsent(inputSlots[i], i);
                for (int o = 0; o < outputSlots.length; o++) outputOf.put(outputSlots[o], o);
            }
        }

        void emit(Instr[] instrs, Expr[][] exprs, boolean[] inlined, int from, int to) {
            for (int k = from; k < to; k++) {
                Instr in = instrs[k];
                if (inlined[k]) continue;
                if (exprs[k] == null) {
                    if (mode != Mode.RUN) throw new IllegalStateException("a direct entry cannot call kernels");
                    // kernels[k].run(args[k], buf[out])
                    mv.visitVarInsn(Opcodes.ALOAD, base + 2);
                    pushInt(k);
                    mv.visitInsn(Opcodes.AALOAD);
                    mv.visitVarInsn(Opcodes.ALOAD, base + 1);
                    pushInt(k);
                    mv.visitInsn(Opcodes.AALOAD);
                    array(in.outSlot());
                    mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, KERNEL, "run", "([[D[D)V", true);
                    continue;
                }
                Expr[] e = exprs[k];
                for (int i = 0; i < e.length; i++) {
                    array(in.outSlot());
                    index(in.outSlot(), i);
                    expr(e[i]);
                    mv.visitInsn(Opcodes.DASTORE);
                }
            }
        }

        /** Pushes the array of a slot: buf[slot], or in the direct modes in[i] or the output's array; cached in a local after the first load. */
        private void array(int slot) {
            Integer local = slotLocal.get(slot);
            if (local != null) {
                mv.visitVarInsn(Opcodes.ALOAD, local);
                return;
            }
            Integer input = inputOf.get(slot), output = outputOf.get(slot);
            if (output != null && mode == Mode.CALL) {
                mv.visitVarInsn(Opcodes.ALOAD, base + 2);   // the out parameter
                return;
            }
            if (input != null) {
                mv.visitVarInsn(Opcodes.ALOAD, base + 1);
                pushInt(input);
            } else if (output != null) {
                mv.visitVarInsn(Opcodes.ALOAD, base + 2);
                pushInt(output);
            } else {
                mv.visitVarInsn(Opcodes.ALOAD, base);
                pushInt(slot);
            }
            mv.visitInsn(Opcodes.AALOAD);
            mv.visitInsn(Opcodes.DUP);
            int l = nextLocal++;
            mv.visitVarInsn(Opcodes.ASTORE, l);
            slotLocal.put(slot, l);
        }

        /** Pushes the index of element i of a slot: i, plus the offset for CALL's output. */
        private void index(int slot, int i) {
            pushInt(i);
            if (mode == Mode.CALL && outputOf.containsKey(slot)) {
                mv.visitVarInsn(Opcodes.ILOAD, base + 3);
                mv.visitInsn(Opcodes.IADD);
            }
        }

        private void expr(Expr e) {
            if (e instanceof Load l) {
                array(l.arg());
                index(l.arg(), l.index());
                mv.visitInsn(Opcodes.DALOAD);
            } else if (e instanceof Const c) {
                double v = c.value();
                if (Double.doubleToRawLongBits(v) == 0L) mv.visitInsn(Opcodes.DCONST_0);
                else if (v == 1.0) mv.visitInsn(Opcodes.DCONST_1);
                else mv.visitLdcInsn(v);
            } else if (e instanceof Un u) {
                expr(u.x());
                switch (u.fn()) {
                    case "dneg" -> mv.visitInsn(Opcodes.DNEG);
                    case "square" -> {
                        mv.visitInsn(Opcodes.DUP2);
                        mv.visitInsn(Opcodes.DMUL);
                    }
                    default -> call(u.fn(), "(D)D");
                }
            } else if (e instanceof Bin b) {
                expr(b.a());
                expr(b.b());
                switch (b.fn()) {
                    case "dadd" -> mv.visitInsn(Opcodes.DADD);
                    case "dsub" -> mv.visitInsn(Opcodes.DSUB);
                    case "dmul" -> mv.visitInsn(Opcodes.DMUL);
                    case "ddiv" -> mv.visitInsn(Opcodes.DDIV);
                    default -> call(b.fn(), "(DD)D");
                }
            } else {
                Sel s = (Sel) e;
                expr(s.c());
                expr(s.a());
                expr(s.b());
                call(MF + ".select", "(DDD)D");
            }
        }

        private void call(String qualified, String desc) {
            int dot = qualified.lastIndexOf('.');
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, qualified.substring(0, dot), qualified.substring(dot + 1), desc, false);
        }

        private void pushInt(int v) {
            if (v >= -1 && v <= 5) mv.visitInsn(Opcodes.ICONST_0 + v);
            else if (v <= Byte.MAX_VALUE) mv.visitIntInsn(Opcodes.BIPUSH, v);
            else if (v <= Short.MAX_VALUE) mv.visitIntInsn(Opcodes.SIPUSH, v);
            else mv.visitLdcInsn(v);
        }
    }
}
