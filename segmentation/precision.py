"""Numeric precision of training: pick a Keras dtype policy and keep the logits in float32.

`--precision auto` picks
- "mixed_float16" on NVIDIA GPUs with tensor cores (compute capability 7.0 or newer),
- "mixed_bfloat16" on CPUs with bfloat16 instructions (AVX512-BF16 or AMX on x86,
  the BF16 extension on ARM), which roughly doubles training speed there,
- "float32" otherwise.
`--precision mixed` picks the mixed policy of the device without checking support,
`--precision float32` always float32.

Under a mixed policy layers compute in 16 bits and keep float32 weights. The
student's model does not need to know: it is built under the policy and
`with_float32_output` appends a float32 identity layer, so the logits, the loss
and the softmax stay float32.
"""
import contextlib

CHOICES = ("auto", "float32", "mixed")
CPU_BFLOAT16_FLAGS = {"avx512_bf16", "amx_bf16", "bf16"}
OUTPUT_LAYER_NAME = "float32_logits"


def cpu_supports_bfloat16(cpuinfo_text=None):
    """True if the CPU flags (from /proc/cpuinfo, or the given text) include bfloat16 support."""
    if cpuinfo_text is None:
        try:
            with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
                cpuinfo_text = handle.read()
        except OSError:
            return False
    for line in cpuinfo_text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() in ("flags", "features") and CPU_BFLOAT16_FLAGS & set(value.split()):
            return True
    return False


def gpus_with_tensor_cores(tf):
    """The visible GPUs whose compute capability is 7.0 or newer (those gain from float16)."""
    found = []
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            capability = tf.config.experimental.get_device_details(gpu).get("compute_capability")
        except (ValueError, RuntimeError):
            capability = None
        if capability and tuple(capability) >= (7, 0):
            found.append(gpu)
    return found


def choose_policy(requested, has_gpu, cpu_bfloat16):
    """The Keras dtype policy name for a `--precision` choice on the given hardware.

    Arguments:
        requested: "auto", "float32" or "mixed".
        has_gpu: whether a suitable NVIDIA GPU will do the training.
        cpu_bfloat16: whether the CPU has bfloat16 instructions.

    Returns:
        "float32", "mixed_float16" or "mixed_bfloat16".
    """
    if requested not in CHOICES:
        raise ValueError(f"precision must be one of {', '.join(CHOICES)}, not {requested!r}")
    if requested == "float32":
        return "float32"
    if has_gpu:
        return "mixed_float16"
    if requested == "mixed" or cpu_bfloat16:
        return "mixed_bfloat16"
    return "float32"


def detect_policy(requested, tf):
    """`choose_policy` for this machine."""
    return choose_policy(requested, bool(gpus_with_tensor_cores(tf)), cpu_supports_bfloat16())


@contextlib.contextmanager
def policy_scope(policy_name):
    """Make `policy_name` the global Keras dtype policy inside the block, then restore the old one."""
    from segmentation.quiet_tf import import_tensorflow

    import_tensorflow()
    import keras

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy_name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def with_float32_output(model):
    """Return `model` with float32 outputs: unchanged if they already are, else wrapped.

    The wrapper adds one float32 `Activation("linear")` named "float32_logits" after
    the model's output. Call it inside `policy_scope` so that the wrapper Model gets
    the same policy (Keras then adds loss scaling for mixed_float16 by itself).
    """
    import keras

    if model.output.dtype == "float32":
        return model
    logits = keras.layers.Activation("linear", dtype="float32", name=OUTPUT_LAYER_NAME)(model.output)
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # one tensor, not a list
    return keras.Model(inputs, logits, name=model.name)
