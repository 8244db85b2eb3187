package dev.ariadne.model;

import dev.ariadne.config.RopeStyle;
import dev.ariadne.config.RotaryScaling;

/**
 * Rotary position embedding: pair i of a head rotates by {@code position * invFreq[i]}, unscaled
 * {@code theta^(-2i/headDim)}. Which two dimensions form pair i depends on the {@link RopeStyle}. A
 * {@link RotaryScaling} changes the frequencies (linear, dynamic NTK, YaRN, llama3) and, for YaRN, the magnitude of
 * cos and sin (its attention factor); formulas in ../shared/docs/LONG-CONTEXT.md section 2.
 */
public final class RotaryEmbedding {
    private final int headDim;
    private final RopeStyle style;
    private final double[] invFreq; // [headDim / 2]
    private final double magnitude; // multiplies cos and sin: YaRN's attention factor, else 1

    public RotaryEmbedding(int headDim, double theta, RopeStyle style) {
        this(headDim, theta, style, RotaryScaling.NONE, 0);
    }

    /** @param statedContext the model's stated context (max_position_embeddings), which dynamic NTK scales from */
    public RotaryEmbedding(int headDim, double theta, RopeStyle style, RotaryScaling scaling, int statedContext) {
        this.headDim = headDim;
        this.style = style;
        int pairs = headDim / 2;
        double s = scaling.factor();
        double base = theta;
        if (scaling.type() == RotaryScaling.Type.DYNAMIC) {
            // vLLM's DynamicNTKScalingRotaryEmbedding: the base for max_len = stated context x factor, fixed.
            base = theta * Math.pow(s * s - (s - 1), headDim / (headDim - 2.0));
        }
        this.invFreq = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            invFreq[i] = Math.pow(base, -2.0 * i / headDim);
        }
        switch (scaling.type()) {
            case LINEAR -> {
                for (int i = 0; i < pairs; i++) invFreq[i] /= s;
            }
            case YARN -> yarn(scaling, theta);
            case LLAMA3 -> llama3(scaling);
            case NONE, DYNAMIC -> { }
        }
        this.magnitude = scaling.type() == RotaryScaling.Type.YARN ? scaling.yarnAttentionFactor() : 1.0;
    }

    /**
     * YaRN: pairs that turn more than beta_fast times over the original context keep their frequency, pairs that
     * turn fewer than beta_slow times are divided by s, with a linear ramp between (transformers
     * {@code _compute_yarn_parameters}; llama.cpp's {@code rope_yarn_corr_dims} gives the same bounds).
     */
    private void yarn(RotaryScaling y, double theta) {
        int pairs = invFreq.length;
        double low = yarnCorrection(y.betaFast(), y.originalContext(), theta);
        double high = yarnCorrection(y.betaSlow(), y.originalContext(), theta);
        if (y.truncate()) {
            low = Math.floor(low);
            high = Math.ceil(high);
        }
        low = Math.max(low, 0);
        high = Math.min(high, headDim - 1);
        if (low == high) high += 0.001;
        for (int i = 0; i < pairs; i++) {
            double ramp = Math.clamp((i - low) / (high - low), 0.0, 1.0);
            invFreq[i] = invFreq[i] / y.factor() * ramp + invFreq[i] * (1 - ramp);
        }
    }

    /** The pair index whose wavelength fits {@code rotations} times into {@code context} positions. */
    private double yarnCorrection(double rotations, int context, double theta) {
        return headDim * Math.log(context / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }

    /** Llama 3.1: long wavelengths divided by the factor, short ones kept, smooth between. */
    private void llama3(RotaryScaling l) {
        double lowWavelen = l.originalContext() / l.lowFreqFactor();
        double highWavelen = l.originalContext() / l.highFreqFactor();
        for (int i = 0; i < invFreq.length; i++) {
            double wavelen = 2 * Math.PI / invFreq[i];
            if (wavelen < highWavelen) continue;
            if (wavelen > lowWavelen) {
                invFreq[i] /= l.factor();
            } else {
                double smooth = (l.originalContext() / wavelen - l.lowFreqFactor())
                        / (l.highFreqFactor() - l.lowFreqFactor());
                invFreq[i] = (1 - smooth) * invFreq[i] / l.factor() + smooth * invFreq[i];
            }
        }
    }

    public int pairs() {
        return headDim / 2;
    }

    /** cos/sin for one position: {@code cos[off + i], sin[off + i]} for pair i. */
    public void angles(int position, float[] cos, float[] sin, int off) {
        for (int i = 0; i < invFreq.length; i++) {
            double a = position * invFreq[i];
            cos[off + i] = (float) (magnitude * Math.cos(a));
            sin[off + i] = (float) (magnitude * Math.sin(a));
        }
    }

    /** Rotates {@code heads} consecutive heads of {@code x} starting at {@code off}, with angles at {@code aOff}. */
    public void rotate(float[] x, int off, int heads, float[] cos, float[] sin, int aOff) {
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            if (style == RopeStyle.NEOX) {
                for (int i = 0; i < half; i++) {
                    float c = cos[aOff + i], s = sin[aOff + i];
                    float x0 = x[base + i], x1 = x[base + i + half];
                    x[base + i] = x0 * c - x1 * s;
                    x[base + i + half] = x0 * s + x1 * c;
                }
            } else {
                for (int i = 0; i < half; i++) {
                    float c = cos[aOff + i], s = sin[aOff + i];
                    float x0 = x[base + 2 * i], x1 = x[base + 2 * i + 1];
                    x[base + 2 * i] = x0 * c - x1 * s;
                    x[base + 2 * i + 1] = x0 * s + x1 * c;
                }
            }
        }
    }
}
