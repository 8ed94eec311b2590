package dev.fluxion.autodiff;

import dev.fluxion.tensor.ElementwiseOps;
import dev.fluxion.tensor.MatMul;
import dev.fluxion.tensor.MatMulBias;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.RowPool;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.ShapeOps;
import dev.fluxion.tensor.TanhBackward;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A program over a batch split into row ranges that the cores take in turn (issue 15: a batched
 * neural ODE's right-hand side and its VJP on [B, 2] states). It applies where the program is
 * <em>row separable</em>, which is checked on the program's ops, never assumed: the batch size B is
 * the leading dimension of the first explicit input, and every live node must be one of
 * <ul>
 *   <li><b>batched</b>: shape [B, …], row r computed from row r of batched nodes and from free
 *       nodes only (elementwise ops, tanh's pullback, x·W and x·Wᵀ with x batched and W free,
 *       reshapes that keep the leading B, sums over trailing axes);</li>
 *   <li><b>free</b>: no batched node among its ancestors (slices of the parameters, their
 *       reshapes): every chunk computes it whole;</li>
 *   <li><b>reduced</b>: a sum over the rows of a batched quantity (Gᵀ·X with both batched,
 *       sumTo over the leading axis: the parameter cotangents), or a linear map of reduced nodes
 *       alone (reshape, slice, padSlice, padSum, add, sub, neg) — so the whole is the sum of the
 *       chunks' values.</li>
 * </ul>
 * Anything else (an op not listed, a free operand that spans the batch axis, a reduced value fed
 * into a product, a program output of no row) leaves the program whole. Each chunk runs a copy
 * of the program traced at its number of rows; batched outputs are its rows of the result,
 * reduced outputs are summed over the chunks in chunk order, free outputs taken from chunk 0.
 *
 * <p><b>Chunks.</b> Up to {@link #slots} threads work on a split (the cores, at most B/8, and
 * at most the work over {@link #MIN_CHUNK_WORK}: below two the program runs whole), but the rows
 * are cut finer, into chunks of at least {@link #CHUNK_ROWS} rows, up to {@link #CHUNKS_PER_THREAD}
 * per thread and at least one ({@link #chunks}: 4 of 64 rows at B = 256, 8 of 128 at B = 1024 on
 * two threads), which the threads take in turn ({@link dev.fluxion.tensor.RowPool#run(int, int, dev.fluxion.tensor.RowPool.SlotChunk)}).
 * With one chunk per thread the caller waited for the worker's whole half whenever the worker
 * started late (two vCPUs, a third of their time stolen: at B = 256 the caller spun for a quarter
 * of its samples); with many, it takes the late worker's chunks itself. And a chunk's [rows, 64]
 * intermediates (32 KB at 64 rows, 64 KB at 128) stay in its core's L2 cache, where two chunks of B = 1024 had
 * [512, 64] ones (256 KB each, several per program) that did not. Each thread runs its chunks on
 * buffers of its own, reused from chunk to chunk and run to run.
 *
 * <p><b>Bits.</b> Batched outputs are bit for bit those of the whole program (each row is
 * computed by the same kernels in the same order). Reduced outputs are sums over the rows in a
 * different order: (rows of chunk 0) + (rows of chunk 1) + … instead of one running sum, so they
 * may differ from the unsplit program in the last bits, and they change with the number of chunks
 * (with B, the thread setting and {@code fluxion.threads.chunkRows}). The chunks are fixed by B
 * and those settings alone, never by which thread took which chunk, so repeated runs give the same
 * bits. {@code -Dfluxion.threads=1} keeps every program whole.
 */
final class RowSplit {
    static final int FREE = 0, BATCHED = 1, REDUCED = 2;

    /**
     * Work units (multiply-adds, or elements for other ops) each thread must get: below this the
     * handoff (a few µs) would cost more than a second core saves. A batched neural ODE's VJP at
     * B = 16 has about 12k, at B = 256 about 200k. {@code -Dfluxion.threads.minChunkWork=N} changes it
     * (the handoff's cost is the machine's: a quiet one repays smaller chunks than a loaded one).
     */
    static final long MIN_CHUNK_WORK = Long.getLong("fluxion.threads.minChunkWork", 1L << 14);

    /**
     * Fewest rows per chunk ({@code -Dfluxion.threads.chunkRows=N}; a value of B or more gives one
     * chunk per thread, as before dynamic chunks). A chunk has a fixed cost (its kernels' set-up,
     * its arguments' and outputs' copies): the 2-64-2 network's VJP over 1024 rows on one thread
     * cost 4 % more CPU as 16 chunks of 64 rows than whole, 8 % more as 32 of 32, nothing
     * measurable as 8 of 128 (kernels' own splitting off, 30 rounds).
     */
    static final int CHUNK_ROWS = Math.max(1, Integer.getInteger("fluxion.threads.chunkRows", 64));

    /**
     * Chunks per thread a split aims at when B allows: enough that a late thread's share is taken
     * over in small pieces, few enough that larger batches get chunks of more than {@link #CHUNK_ROWS}.
     */
    static final int CHUNKS_PER_THREAD = 4;

    /** Chunks for b rows on the given threads: at least one per thread, of at least CHUNK_ROWS rows where possible, at most CHUNKS_PER_THREAD per thread. */
    static int chunks(int b, int slots) {
        long c = Math.min((b + CHUNK_ROWS - 1) / CHUNK_ROWS, (long) CHUNKS_PER_THREAD * slots);
        return (int) Math.max(slots, c);
    }

    final int rows, chunks;
    /** Threads that may work on the split, the caller included (each needs buffers of its own). */
    final int slots;
    final int[] rowStart;
    /** Per explicit and implicit input: its kind, and its elements per row when batched. */
    final int[] inputKind, inputWidth;
    /** Per output: its kind, and its elements per row when batched. */
    final int[] outputKind, outputWidth;
    /** The chunks' programs (one per distinct number of rows, at most two), and each chunk's index into them. */
    final Program[] programs;
    final int[] programOf;

    private RowSplit(int rows, int chunks, int slots, int[] inputKind, int[] inputWidth, int[] outputKind, int[] outputWidth,
                     Program[] programs, int[] programOf) {
        this.rows = rows;
        this.chunks = chunks;
        this.slots = slots;
        this.rowStart = new int[chunks + 1];
        for (int c = 0; c <= chunks; c++) rowStart[c] = (int) ((long) rows * c / chunks);
        this.inputKind = inputKind;
        this.inputWidth = inputWidth;
        this.outputKind = outputKind;
        this.outputWidth = outputWidth;
        this.programs = programs;
        this.programOf = programOf;
    }

    /**
     * The row split of a program (its fused nodes, liveness and input shapes), or null where it is
     * not row separable or too small to repay a second thread.
     */
    static RowSplit of(Graph g, List<Graph.Node> nodes, boolean[] live, Shape[] inputShapes, int explicitInputs) {
        return of(g, nodes, live, inputShapes, explicitInputs, RowPool.threads());
    }

    /** As {@link #of(Graph, List, boolean[], Shape[], int)} for a given number of threads (tests). */
    static RowSplit of(Graph g, List<Graph.Node> nodes, boolean[] live, Shape[] inputShapes, int explicitInputs, int threads) {
        if (threads < 2 || explicitInputs == 0 || inputShapes[0].rank() < 2) return null;
        int b = inputShapes[0].dim(0);
        int[] kind = kinds(nodes, live, b);
        if (kind == null) return null;
        boolean anyBatched = false;
        for (int o : g.outputs) {
            if (kind[o] < 0) return null;
            anyBatched |= kind[o] != FREE;
        }
        if (!anyBatched) return null;
        long work = 0;
        for (int k = 0; k < nodes.size(); k++) {
            Graph.Node n = nodes.get(k);
            if (!live[k] || n.op == null || kind[k] == FREE) continue;
            MatMul mm = n.op instanceof MatMul m ? m : n.op instanceof MatMulBias mb ? mb.product() : null;
            work += mm != null ? (long) n.shape.size() * inner(mm, nodes.get(n.args[0]).shape) : n.shape.size();
        }
        int slots = (int) Math.min(Math.min(threads, b / 8), work / MIN_CHUNK_WORK);
        if (slots < 2) return null;
        int chunks = chunks(b, slots);
        int[] inKind = new int[inputShapes.length], inWidth = new int[inputShapes.length];
        for (int k = 0; k < nodes.size(); k++) {
            Graph.Node n = nodes.get(k);
            if (!n.isInput()) continue;
            int i = n.isImplicit() ? explicitInputs + n.implicitIndex : n.inputIndex;
            inKind[i] = kind[k] == BATCHED ? BATCHED : FREE;
            if (kind[k] == BATCHED) inWidth[i] = n.shape.size() / b;
        }
        int[] outKind = new int[g.outputs.length], outWidth = new int[g.outputs.length];
        for (int o = 0; o < outKind.length; o++) {
            Graph.Node n = nodes.get(g.outputs[o]);
            outKind[o] = kind[g.outputs[o]];
            if (outKind[o] == BATCHED) outWidth[o] = n.shape.size() / b;
        }
        Map<Integer, Integer> byRows = new HashMap<>();
        List<Program> progs = new ArrayList<>();
        int[] programOf = new int[chunks];
        for (int c = 0; c < chunks; c++) {
            int r = (int) ((long) b * (c + 1) / chunks) - (int) ((long) b * c / chunks);
            programOf[c] = byRows.computeIfAbsent(r, rr -> {
                progs.add(chunkProgram(g, nodes, live, kind, inputShapes, explicitInputs, rr));
                return progs.size() - 1;
            });
        }
        return new RowSplit(b, chunks, slots, inKind, inWidth, outKind, outWidth, progs.toArray(new Program[0]), programOf);
    }

    private static int inner(MatMul mm, Shape a) { return mm.transA() ? a.dim(-2) : a.dim(-1); }

    /** Whether shape s has the batch as its leading axis. */
    private static boolean leadsWith(Shape s, int b) { return s.rank() >= 1 && s.dim(0) == b; }

    /** Whether a free operand of shape s broadcasts into an output of shape out without spanning its batch axis. */
    private static boolean besideRows(Shape s, Shape out) { return s.rank() < out.rank() || s.dim(0) == 1; }

    /** Each live node's kind, or null when some live node fits none (see the class comment). */
    static int[] kinds(List<Graph.Node> nodes, boolean[] live, int b) {
        int[] kind = new int[nodes.size()];
        for (int k = 0; k < nodes.size(); k++) {
            Graph.Node n = nodes.get(k);
            if (n.isInput()) {
                // explicit inputs led by the batch are batched; the parameters and t are free
                kind[k] = !n.isImplicit() && n.shape.rank() >= 2 && n.shape.dim(0) == b ? BATCHED : FREE;
                continue;
            }
            if (n.isConstant() || !live[k]) {
                kind[k] = FREE;   // a constant spanning the batch is rejected where an op meets it
                continue;
            }
            int kk = kindOf(n, nodes, kind, b);
            if (kk < 0) return null;
            kind[k] = kk;
        }
        return kind;
    }

    private static int kindOf(Graph.Node n, List<Graph.Node> nodes, int[] kind, int b) {
        boolean anyBatched = false, anyReduced = false, allFree = true;
        for (int a : n.args) {
            anyBatched |= kind[a] == BATCHED;
            anyReduced |= kind[a] == REDUCED;
            allFree &= kind[a] == FREE;
        }
        if (allFree) return FREE;
        Op op = n.op;
        Shape out = n.shape;
        if (anyReduced) {
            // linear maps of reduced values only: the sum over chunks commutes with them
            if (anyBatched) return -1;
            for (int a : n.args) if (kind[a] != REDUCED) return -1;
            boolean linear = op instanceof ShapeOps.Reshape || op instanceof ShapeOps.Slice || op instanceof ShapeOps.PadSlice
                    || op instanceof ShapeOps.PadSum || op instanceof ShapeOps.StopGradient
                    || op == ElementwiseOps.Binary.ADD || op == ElementwiseOps.Binary.SUB || op == ElementwiseOps.Unary.NEG;
            return linear ? REDUCED : -1;
        }
        // some operand batched, none reduced
        if (op instanceof ElementwiseOps.Unary || op instanceof ElementwiseOps.ScalarOp || op instanceof ShapeOps.StopGradient) {
            return leadsWith(out, b) ? BATCHED : -1;
        }
        if (op instanceof ElementwiseOps.Binary || op instanceof TanhBackward) {
            if (!leadsWith(out, b) || out.rank() < 2) return -1;
            for (int a : n.args) {
                Shape s = nodes.get(a).shape;
                if (kind[a] == BATCHED ? s.rank() != out.rank() || s.dim(0) != b : !besideRows(s, out)) return -1;
            }
            return BATCHED;
        }
        if (op instanceof MatMul mm) {
            Graph.Node x = nodes.get(n.args[0]), w = nodes.get(n.args[1]);
            if (x.shape.rank() != 2 || w.shape.rank() != 2) return -1;
            int kx = kind[n.args[0]], kw = kind[n.args[1]];
            if (!mm.transA() && kx == BATCHED && kw == FREE) return BATCHED;            // x·W, x·Wᵀ
            if (mm.transA() && !mm.transB() && kx == BATCHED && kw == BATCHED) return REDUCED;   // Gᵀ·X = Σ_r g_rᵀ x_r
            return -1;
        }
        if (op instanceof MatMulBias mb) {   // x·W + c with x batched, W and c free
            return !mb.product().transA() && kind[n.args[0]] == BATCHED && kind[n.args[1]] == FREE && kind[n.args[2]] == FREE ? BATCHED : -1;
        }
        if (op instanceof ShapeOps.Reshape) {
            Shape in = nodes.get(n.args[0]).shape;
            return leadsWith(out, b) && leadsWith(in, b) && out.rank() >= 2 ? BATCHED : -1;
        }
        if (op instanceof ShapeOps.SumTo) {
            Shape in = nodes.get(n.args[0]).shape;
            if (!leadsWith(in, b) || in.rank() < 2) return -1;
            if (out.rank() == in.rank() && out.dim(0) == b) return BATCHED;   // sums within rows
            return out.rank() < in.rank() || out.dim(0) == 1 ? REDUCED : -1;
        }
        return -1;
    }

    /** The program traced at r rows: batched nodes' leading axis set to r, ops that name a batched shape remade. */
    private static Program chunkProgram(Graph g, List<Graph.Node> nodes, boolean[] live, int[] kind, Shape[] inputShapes, int explicitInputs, int r) {
        Graph c = new Graph();
        c.implicit.addAll(g.implicit);
        c.implicitShapes.addAll(g.implicitShapes);
        for (int k = 0; k < nodes.size(); k++) {
            Graph.Node n = nodes.get(k);
            if (!live[k] && !n.isInput() || kind[k] != BATCHED) {
                c.nodes.add(n);
                continue;
            }
            Shape s = n.shape.with(0, r);
            Op op = n.op;
            if (op instanceof ShapeOps.Reshape) op = new ShapeOps.Reshape(s);
            else if (op instanceof ShapeOps.SumTo) op = new ShapeOps.SumTo(s);
            c.nodes.add(new Graph.Node(op, n.args, s, n.constant, n.inputIndex, n.implicitIndex));
        }
        c.outputs = g.outputs.clone();
        Shape[] explicit = new Shape[explicitInputs];
        for (int i = 0; i < explicitInputs; i++) {
            Shape s = inputShapes[i];
            explicit[i] = s.rank() >= 2 && s.dim(0) == inputShapes[0].dim(0) ? s.with(0, r) : s;
        }
        return new Program(c, explicit, false);
    }

    /** Ends of chunk c's rows. */
    int from(int c) { return rowStart[c]; }

    int to(int c) { return rowStart[c + 1]; }
}
