package dev.fluxion.tensor;

/** An op whose primal forward is a kernel over flat row-major buffers (every built-in primitive). */
public abstract class KernelOp extends Op {
    /** Writes the output for inputs of the given shapes into out (which it must fully overwrite). */
    public abstract void forwardInto(double[][] in, Shape[] inShapes, double[] out, Shape outShape);

    @Override public abstract Shape outShape(Shape[] in);

    @Override public Tensor forward(Tensor[] in) {
        Shape[] shapes = new Shape[in.length];
        double[][] data = new double[in.length][];
        for (int i = 0; i < in.length; i++) {
            shapes[i] = in[i].shape();
            data[i] = in[i].rawData();
        }
        Shape s = outShape(shapes);
        double[] out = new double[s.size()];
        forwardInto(data, shapes, out, s);
        return new Tensor(s, out);
    }

    @Override public Kernel kernel(Shape[] inShapes, Shape outShape) {
        return (inputs, output) -> forwardInto(inputs, inShapes, output, outShape);
    }
}
