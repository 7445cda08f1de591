package io.cnnkit.engine.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.BuildRandom;
import io.cnnkit.engine.api.DidYouMean;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.MultiInputLayerProvider;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.impl.desc.DefaultNames;

/** Builds a {@link Snapshot} from a description against the providers present now. */
final class SnapshotBuilder {
    static final String LAYER_DEP = "layer type ";
    static final String ACTIVATION_DEP = "activation ";

    /** The identity: for layers without an activation, and for "linear" when no linear service is present. */
    static final Activation LINEAR = new Activation() {
        @Override
        public String name() {
            return "linear";
        }

        @Override
        public float apply(float x) {
            return x;
        }

        @Override
        public void apply(float[] src, int srcOff, float[] dst, int dstOff, int length, int lastAxis) {
            if (src != dst || srcOff != dstOff) {
                System.arraycopy(src, srcOff, dst, dstOff, length);
            }
        }
    };

    private final Registry<LayerProvider> layers;
    private final Registry<Activation> activations;

    SnapshotBuilder(Registry<LayerProvider> layers, Registry<Activation> activations) {
        this.layers = layers;
        this.activations = activations;
    }

    /**
     * Gives unnamed layers Keras's default names (type, type_1, type_2, ...), skipping names
     * used anywhere in the model, and rejects duplicate names.
     */
    static ModelDescription named(ModelDescription d) {
        return DefaultNames.assign(d);
    }

    /**
     * Compiles the description's graph, builds every layer in plan order with shape inference,
     * then sets weights found in {@code weights} (layer -> weight -> tensor) over the initial ones.
     *
     * @throws MissingServiceException when a type or activation is not present
     * @throws ModelException          for any description error
     */
    Snapshot build(ModelDescription named, Map<String, Map<String, Tensor>> weights) {
        return build(named, weights, false);
    }

    /**
     * As {@link #build(ModelDescription, Map)}; {@code deferDraws}: random initial values are left
     * zero and listed in the snapshot's {@code deferred} (a model's first build).
     */
    Snapshot build(ModelDescription named, Map<String, Map<String, Tensor>> weights, boolean deferDraws) {
        Shape inputShape = named.inputShape();
        if (inputShape.rank() == 0) {
            throw new ModelException("model '" + named.name() + "': input_shape must have at least one dimension");
        }
        GraphPlan plan = GraphPlan.compile(named);
        Set<String> deps = new LinkedHashSet<>();
        Map<String, Set<String>> deferred = new LinkedHashMap<>();
        List<Layer> built = new ArrayList<>();
        List<LayerInfo> infos = new ArrayList<>();
        Shape[] shapes = new Shape[plan.size()];
        shapes[GraphPlan.INPUT] = inputShape;
        for (int node = 1; node < plan.size(); node++) {
            GraphPlan.Node n = plan.node(node);
            LayerSpec spec = n.spec();
            List<Shape> in = new ArrayList<>();
            for (int i : n.inputs()) {
                in.add(shapes[i]);
            }
            Registry.Entry<LayerProvider> entry = layers.best(spec.type());
            deps.add(LAYER_DEP + spec.type());
            if (entry == null) {
                throw new MissingServiceException(spec.label() + ": unknown layer type '" + spec.type() + "'"
                        + typeSuggestion(spec.type()), LAYER_DEP + spec.type());
            }
            LayerProvider provider = entry.service();
            Set<String> allowed = new HashSet<>(provider.parameters());
            spec.checkKnown(allowed);
            Context ctx = new Context(named, spec, deps, weights, deferDraws ? deferred : null);
            Layer layer = create(provider, spec, plan, node, in, ctx);
            Shape out;
            try {
                out = layer instanceof MultiInputLayer m ? m.outputShape(in) : layer.outputShape(in.get(0));
            } catch (ModelException e) {
                if (in.size() == 1) {
                    throw e;
                }
                String msg = e.getMessage().startsWith(spec.label()) ? e.getMessage() : spec.label() + ": " + e.getMessage();
                throw new ModelException(msg + "; inputs " + inputsWithShapes(plan, node, in), e);
            } catch (RuntimeException e) {
                throw new ModelException(spec.label() + ": " + e.getMessage(), e);
            }
            Map<String, Tensor> stored = weights.get(spec.name());
            Map<String, int[]> weightShapes = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> w : layer.weights().entrySet()) {
                weightShapes.put(w.getKey(), w.getValue().shape());
                Tensor value = stored == null ? null : stored.get(w.getKey());
                // (a provider that declared the weight through WeightSet with the build's random
                // source has the values already: a 120M-parameter load copied them twice)
                if (value != null && value.hasShape(w.getValue().shape()) && !ctx.handedOut.contains(w.getKey())) {
                    w.getValue().copyFrom(value);
                }
            }
            infos.add(new LayerInfo(spec.name(), spec.type(), out, weightShapes,
                    List.copyOf(layer.nonTrainableWeights()), layer.parameterCount(), plan.inputNames(node)));
            built.add(layer);
            shapes[node] = out;
        }
        // After the weights are in: folded weights are computed from them (a weight change rebuilds).
        List<Layer> layerList = List.copyOf(built);
        return new Snapshot(plan, layerList, List.copyOf(infos), Set.copyOf(deps),
                PlanOptimizer.optimise(named.name(), plan, layerList), Map.copyOf(deferred));
    }

    /** Asks the provider for the layer of one node; several inputs need a multi-input provider. */
    private static Layer create(LayerProvider provider, LayerSpec spec, GraphPlan plan, int node, List<Shape> in,
            BuildContext ctx) {
        boolean multi = provider instanceof MultiInputLayerProvider;
        if (multi) {
            MultiInputLayerProvider m = (MultiInputLayerProvider) provider;
            if (in.size() < m.minInputs() || in.size() > m.maxInputs()) {
                String want = m.maxInputs() == Integer.MAX_VALUE ? "at least " + m.minInputs()
                        : m.minInputs() == m.maxInputs() ? "exactly " + m.minInputs()
                                : m.minInputs() + " to " + m.maxInputs();
                throw spec.error("takes " + want + " inputs but reads " + in.size() + " ("
                        + inputsWithShapes(plan, node, in) + "); name its inputs, e.g. \"inputs\": [\"a\", \"b\"]");
            }
        } else if (in.size() != 1) {
            throw spec.error("reads " + in.size() + " inputs (" + inputsWithShapes(plan, node, in) + ") but "
                    + spec.type() + " takes one; join them first with a merge layer such as add or concatenate");
        }
        try {
            return multi ? ((MultiInputLayerProvider) provider).create(spec, in, ctx) : provider.create(spec, in.get(0), ctx);
        } catch (ModelException e) {
            // A join's shape error is only useful with the names of the nodes it joins.
            if (!multi) {
                throw e;
            }
            String msg = e.getMessage().startsWith(spec.label()) ? e.getMessage() : spec.label() + ": " + e.getMessage();
            throw new ModelException(msg + "; inputs " + inputsWithShapes(plan, node, in), e);
        } catch (RuntimeException e) {
            throw new ModelException(spec.label() + ": " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            // One oversized allocation (weights of a typo'd size) that WeightSet's limits let
            // through: it failed before anything was filled, so the engine can go on.
            throw new ModelException(spec.label() + ": out of memory while creating its weights for input "
                    + in.get(0) + "; check the layer's sizes or raise -Xmx", e);
        }
    }

    /** "'conv2d' (None, 8, 8, 16), 'input' (None, 8, 8, 3)". */
    private static String inputsWithShapes(GraphPlan plan, int node, List<Shape> shapes) {
        List<String> parts = new ArrayList<>();
        List<String> names = plan.inputNames(node);
        for (int i = 0; i < names.size(); i++) {
            parts.add("'" + names.get(i) + "' " + shapes.get(i));
        }
        return String.join(", ", parts);
    }

    /**
     * "; did you mean 'max_pooling2d'?" for a near miss of a type or of a Keras class the types
     * read ({@code Conv2D}, {@code MaxPooling2D}: the providers declare them), else a short list or
     * the count.
     */
    private String typeSuggestion(String type) {
        Map<String, String> kerasClasses = new HashMap<>();
        for (Registry.Entry<LayerProvider> e : layers.bestEntries()) {
            for (String c : e.kerasClasses()) {
                kerasClasses.putIfAbsent(c, e.key());
            }
        }
        String s = DidYouMean.suggestion(type, layers.keys(), kerasClasses, "layer types");
        return layers.keys().isEmpty() ? s + " (no layer provider bundle is active)" : s;
    }

    /** Per-layer build context: records activation dependencies, seeds by layer name. */
    private final class Context implements BuildContext {
        private final ModelDescription model;
        private final LayerSpec spec;
        private final Set<String> deps;
        /** The build's weights by layer name (a rebuild's store; empty for a model's first build). */
        private final Map<String, Map<String, Tensor>> store;
        /** Where the weights whose draws this build defers go (layer -> names), or null: it draws them. */
        private final Map<String, Set<String>> deferred;
        /** The weights whose stored values the random source handed to WeightSet (which copied them). */
        private final Set<String> handedOut = new HashSet<>();
        private Random random;

        Context(ModelDescription model, LayerSpec spec, Set<String> deps, Map<String, Map<String, Tensor>> store,
                Map<String, Set<String>> deferred) {
            this.model = model;
            this.spec = spec;
            this.deps = deps;
            this.store = store;
            this.deferred = deferred;
        }

        @Override
        public Activation activation(LayerSpec forSpec, Object value) {
            String name;
            LayerSpec optionSpec = forSpec;
            if (value == null) {
                // No activation given (Keras activation=None): identity, no service needed.
                return LINEAR;
            } else if (value instanceof String s) {
                name = s;
            } else if (value instanceof Map<?, ?> m && m.get("class_name") instanceof String cn) {
                // Keras serialized activation: {"class_name": "ReLU", "config": {...}}
                name = ActivationNames.fromKerasClass(cn);
                Map<String, Object> opts = new LinkedHashMap<>();
                if (m.get("config") instanceof Map<?, ?> c) {
                    c.forEach((k, v) -> opts.put(String.valueOf(k), v));
                }
                optionSpec = new LayerSpec(forSpec.position(), forSpec.type(), forSpec.name(), opts);
            } else {
                throw forSpec.paramError("activation", "must name an activation, got " + LayerSpec.describe(value));
            }
            Registry.Entry<Activation> e = activations.best(name);
            if (e == null && LINEAR.name().equals(name)) {
                // BuildContext promises the identity for null/"linear" even without a linear bundle.
                return LINEAR;
            }
            deps.add(ACTIVATION_DEP + name);
            if (e == null) {
                throw new MissingServiceException(forSpec.label() + ": unknown activation '" + name + "'"
                        + DidYouMean.suggestion(name, activations.keys(), Map.of(), "activations"),
                        ACTIVATION_DEP + name);
            }
            return e.service().configure(optionSpec);
        }

        /**
         * One stream per layer build: each call used to return a new Random with the same seed,
         * so a kernel and a bias drawn one after the other got the same numbers. It hands out the
         * build's stored values of this layer's weights, which WeightSet then copies instead of
         * drawing (a rebuild with loaded weights draws none).
         */
        @Override
        public Random random() {
            if (random == null) {
                Map<String, Tensor> layerStore = store.get(spec.name());
                random = new BuildRandom(model.seed() * 0x9E3779B97F4A7C15L + spec.name().hashCode()) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public Tensor stored(String name) {
                        Tensor t = layerStore == null ? null : layerStore.get(name);
                        if (t != null) {
                            handedOut.add(name); // WeightSet copies it when the shape fits, as the build would
                        }
                        return t;
                    }

                    @Override
                    public boolean defersDraws() {
                        return deferred != null;
                    }

                    @Override
                    public void deferred(String name) {
                        if (deferred != null) {
                            // (no computeIfAbsent lambda: the class-data archive cannot hold a bundle's lambdas)
                            Set<String> names = deferred.get(spec.name());
                            if (names == null) {
                                names = new LinkedHashSet<>();
                                deferred.put(spec.name(), names);
                            }
                            names.add(name);
                        }
                    }
                };
            }
            return random;
        }

        @Override
        public String modelName() {
            return model.name();
        }
    }
}
