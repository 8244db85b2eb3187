package dev.ariadne.model;

import dev.ariadne.config.RopeStyle;

/**
 * Rotary position embedding: pair i of a head rotates by {@code position * theta^(-2i/headDim)}. Which two
 * dimensions form pair i depends on the {@link RopeStyle}.
 */
public final class RotaryEmbedding {
    private final int headDim;
    private final RopeStyle style;
    private final double[] invFreq; // [headDim / 2]

    public RotaryEmbedding(int headDim, double theta, RopeStyle style) {
        this.headDim = headDim;
        this.style = style;
        this.invFreq = new double[headDim / 2];
        for (int i = 0; i < headDim / 2; i++) {
            invFreq[i] = Math.pow(theta, -2.0 * i / headDim);
        }
    }

    public int pairs() {
        return headDim / 2;
    }

    /** cos/sin for one position: {@code cos[off + i], sin[off + i]} for pair i. */
    public void angles(int position, float[] cos, float[] sin, int off) {
        for (int i = 0; i < invFreq.length; i++) {
            double a = position * invFreq[i];
            cos[off + i] = (float) Math.cos(a);
            sin[off + i] = (float) Math.sin(a);
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
