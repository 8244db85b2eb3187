package dev.ariadne.model;

import dev.ariadne.engine.ModelLoader;
import dev.ariadne.io.ModelSource;
import dev.ariadne.kv.ContiguousKvCache;
import dev.ariadne.kv.KvCacheDType;
import dev.ariadne.kv.KvRows;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.tensor.ops.ComputePool;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

class QuickCheckTest {
    @Test
    void quick() {
        KernelProvider kp = KernelProvider.best();
        try (ComputePool pool = new ComputePool(2)) {
            for (Reference.Entry e : Reference.entries()) {
                if (!e.variant().equals("kv_f32") || e.logitsFile() == null) continue;
                if (e.model().contains("moe") || e.model().contains("deepseek")) continue;
                try (ModelSource src = ModelLoader.open(SharedKit.file(e.model()), ModelLoader.LoadFormat.AUTO, null, 0, pool)) {
                    ModelWeights w = ModelWeights.load(src, kp);
                    DecoderModel m = new DecoderModel(w, pool, kp, 512, 1024);
                    int[] ids = e.promptIds();
                    float[] logits = new float[ids.length * w.config().vocabSize()];
                    try (ContiguousKvCache kv = new ContiguousKvCache(w.config().numLayers(), w.config().numKvHeads(), w.config().headDim(), 1024, new KvRows(KvCacheDType.F32, kp))) {
                        m.forward(ids, 0, ids.length, 0, kv, logits, true);
                    }
                    float[][] ref = e.logits();
                    double max = 0;
                    for (int t = 0; t < ids.length; t++)
                        for (int j = 0; j < w.config().vocabSize(); j++)
                            max = Math.max(max, Math.abs(ref[t][j] - logits[t * w.config().vocabSize() + j]));
                    System.out.println(e + " max " + max);
                }
            }
        }
    }
}
