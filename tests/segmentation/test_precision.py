"""Precision policy choice and the float32 output of mixed-precision models."""
import keras
import numpy as np
import pytest

from segmentation.modeling import build_model, compile_model
from segmentation.precision import (OUTPUT_LAYER_NAME, choose_policy, cpu_supports_bfloat16,
                                    policy_scope)
from solutions import unet_model


@pytest.mark.parametrize("requested, has_gpu, cpu_bf16, expected", [
    ("auto", True, False, "mixed_float16"),
    ("auto", True, True, "mixed_float16"),
    ("auto", False, True, "mixed_bfloat16"),
    ("auto", False, False, "float32"),
    ("mixed", False, False, "mixed_bfloat16"),
    ("mixed", True, False, "mixed_float16"),
    ("float32", True, True, "float32"),
])
def test_choose_policy(requested, has_gpu, cpu_bf16, expected):
    assert choose_policy(requested, has_gpu, cpu_bf16) == expected


def test_unknown_precision_is_refused():
    with pytest.raises(ValueError, match="auto, float32, mixed"):
        choose_policy("half", False, False)


@pytest.mark.parametrize("text, expected", [
    ("processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16 fma\n", True),
    ("processor\t: 0\nflags\t\t: fpu sse2 avx2 amx_bf16\n", True),
    ("processor\t: 0\nFeatures\t: fp asimd bf16 i8mm\n", True),
    ("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n", False),
    ("model name : bf16 marketing name\n", False),
    ("", False),
])
def test_cpu_bfloat16_flags(text, expected):
    assert cpu_supports_bfloat16(text) is expected


def test_policy_scope_restores_previous_policy():
    before = keras.config.dtype_policy().name
    with policy_scope("mixed_bfloat16"):
        assert keras.config.dtype_policy().name == "mixed_bfloat16"
    assert keras.config.dtype_policy().name == before


def test_mixed_model_keeps_float32_logits_and_trains():
    model = build_model(unet_model, (32, 32, 3), 5, policy="mixed_bfloat16", n_filters=2)
    assert model.layers[-1].name == OUTPUT_LAYER_NAME
    assert model.layers[-1].dtype_policy.compute_dtype == "float32"
    assert any(layer.dtype_policy.compute_dtype == "bfloat16" for layer in model.layers)
    assert model.output.dtype == "float32"
    compile_model(model, 5)
    images = np.random.default_rng(0).random((2, 32, 32, 3)).astype("float32")
    masks = np.zeros((2, 32, 32), "int32")
    logs = model.train_on_batch(images, masks, return_dict=True)
    assert np.isfinite(logs["loss"])
    assert keras.config.dtype_policy().name == "float32"


def test_float32_model_is_not_wrapped():
    model = build_model(unet_model, (32, 32, 3), 5, policy="float32", n_filters=2)
    assert OUTPUT_LAYER_NAME not in [layer.name for layer in model.layers]
