using System.Runtime.InteropServices;

namespace Pipeline.Models.Native;

/// <summary>The P/Invoke surface of libpipeline_torch (native/include/pipeline_torch.h); one entry per C export.</summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>The library name the resolver maps to the CPU or CUDA build of the shim.</summary>
    internal const string Library = "pipeline_torch";

    /// <summary>The ABI version these signatures were written for; the loader refuses any other.</summary>
    internal const int AbiVersion = 1;

    static NativeMethods() => NativeLibraryLoader.Register(typeof(NativeMethods).Assembly);

    [LibraryImport(Library)] internal static partial int pt_abi_version();
    [LibraryImport(Library)] internal static partial byte* pt_last_error();
    [LibraryImport(Library)] internal static partial int pt_built_with_cuda();
    [LibraryImport(Library)] internal static partial int pt_cuda_device_count(out int count);
    [LibraryImport(Library)] internal static partial int pt_set_num_threads(int n);
    [LibraryImport(Library)] internal static partial int pt_get_num_threads(out int n);
    [LibraryImport(Library)] internal static partial int pt_manual_seed(ulong seed);
    [LibraryImport(Library)] internal static partial int pt_mallopt(int trimThreshold, int mmapThreshold);
    [LibraryImport(Library)] internal static partial long pt_live_tensors();
    [LibraryImport(Library)] internal static partial int pt_bytes_view(nint bytes, out byte* data, out long length);
    [LibraryImport(Library)] internal static partial void pt_bytes_free(nint bytes);

    [LibraryImport(Library)]
    internal static partial int pt_tensor_from_data(void* data, long nbytes, int dtype, long* shape, int ndim, int deviceType, int deviceIndex, int requiresGrad, out nint tensor);
    [LibraryImport(Library)]
    internal static partial int pt_tensor_fill(int kind, int dtype, long* shape, int ndim, int deviceType, int deviceIndex, int requiresGrad, out nint tensor);
    [LibraryImport(Library)] internal static partial void pt_tensor_free(nint tensor);
    [LibraryImport(Library)]
    internal static partial int pt_tensor_info(TensorHandle t, out int dtype, out int ndim, long* shape, out int deviceType, out int deviceIndex, out int requiresGrad);
    [LibraryImport(Library)] internal static partial int pt_tensor_copy_to(TensorHandle t, void* destination, long nbytes);
    [LibraryImport(Library)] internal static partial int pt_tensor_item(TensorHandle t, out double value);
    [LibraryImport(Library)] internal static partial int pt_tensor_to(TensorHandle t, int dtype, int deviceType, int deviceIndex, out nint result);
    [LibraryImport(Library)] internal static partial int pt_tensor_grad(TensorHandle t, out nint grad);
    [LibraryImport(Library)] internal static partial int pt_tensor_backward(TensorHandle t);
    [LibraryImport(Library)] internal static partial int pt_tensor_set_requires_grad(TensorHandle t, int requiresGrad);
    [LibraryImport(Library)] internal static partial int pt_tensor_detach(TensorHandle t, out nint result);
    [LibraryImport(Library)] internal static partial int pt_tensor_clone(TensorHandle t, int grad, out nint result);
    [LibraryImport(Library)] internal static partial int pt_tensor_assign(TensorHandle destination, TensorHandle source);
    [LibraryImport(Library)] internal static partial int pt_tensor_all_finite(TensorHandle t, out int finite);
    [LibraryImport(Library)] internal static partial int pt_tensor_binary(int op, TensorHandle a, TensorHandle b, int grad, out nint result);
    [LibraryImport(Library)] internal static partial int pt_tensor_scalar(int op, TensorHandle a, double s, int grad, out nint result);
    [LibraryImport(Library)] internal static partial int pt_tensor_unary(int op, TensorHandle a, int grad, out nint result);
    [LibraryImport(Library)] internal static partial int pt_tensor_reduce(int op, TensorHandle a, long dim, int keepDim, int grad, out nint result);
    [LibraryImport(Library)] internal static partial int pt_tensor_reshape(TensorHandle a, long* shape, int ndim, int grad, out nint result);
    [LibraryImport(Library)] internal static partial int pt_tensor_transpose(TensorHandle a, long dim0, long dim1, int grad, out nint result);
    [LibraryImport(Library)] internal static partial int pt_tensor_narrow(TensorHandle a, long dim, long start, long length, int grad, out nint result);
    [LibraryImport(Library)] internal static partial int pt_tensor_cat(nint* items, int n, long dim, int grad, out nint result);
    [LibraryImport(Library)] internal static partial int pt_tensor_index_select(TensorHandle a, long dim, TensorHandle index, int grad, out nint result);
    [LibraryImport(Library)] internal static partial int pt_loss(int kind, TensorHandle input, TensorHandle target, int reduction, int grad, out nint result);

    [LibraryImport(Library)] internal static partial int pt_module_linear(long inFeatures, long outFeatures, int bias, out nint module);
    [LibraryImport(Library)] internal static partial int pt_module_embedding(long num, long dim, out nint module);
    [LibraryImport(Library)] internal static partial int pt_module_embedding_bag(long num, long dim, int mode, out nint module);
    [LibraryImport(Library)] internal static partial int pt_module_layer_norm(long dim, double eps, out nint module);
    [LibraryImport(Library)] internal static partial int pt_module_dropout(double p, out nint module);
    [LibraryImport(Library)] internal static partial int pt_module_activation(int kind, out nint module);
    [LibraryImport(Library)] internal static partial int pt_module_sequential(nint* children, int n, out nint module);
    [LibraryImport(Library)]
    internal static partial int pt_module_transformer_encoder(long dModel, long heads, long dimFeedForward, long layers, double dropout, out nint module);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int pt_module_load_script_file(string path, int deviceType, int deviceIndex, out nint module);
    [LibraryImport(Library)]
    internal static partial int pt_module_load_script_bytes(byte* data, long length, int deviceType, int deviceIndex, out nint module);
    [LibraryImport(Library)] internal static partial void pt_module_free(nint module);
    [LibraryImport(Library)] internal static partial int pt_module_forward(NativeModuleHandle m, nint* inputs, int n, int grad, out nint result);
    [LibraryImport(Library)] internal static partial int pt_module_train(NativeModuleHandle m, int on);
    [LibraryImport(Library)] internal static partial int pt_module_to(NativeModuleHandle m, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial int pt_module_state_count(NativeModuleHandle m, out int count);
    [LibraryImport(Library)] internal static partial int pt_module_state_entry(NativeModuleHandle m, int index, out byte* name, out int isParameter, out nint tensor);

    [LibraryImport(Library)]
    internal static partial int pt_optim_sgd(nint* parameters, int n, double lr, double momentum, double weightDecay, int nesterov, out nint optimizer);
    [LibraryImport(Library)]
    internal static partial int pt_optim_adam(nint* parameters, int n, double lr, double beta1, double beta2, double eps, double weightDecay, int decoupled, out nint optimizer);
    [LibraryImport(Library)] internal static partial void pt_optim_free(nint optimizer);
    [LibraryImport(Library)] internal static partial int pt_optim_zero_grad(OptimizerHandle o);
    [LibraryImport(Library)] internal static partial int pt_optim_step(OptimizerHandle o, int checkFinite, out int applied);
    [LibraryImport(Library)] internal static partial int pt_optim_set_lr(OptimizerHandle o, double lr);
    [LibraryImport(Library)] internal static partial int pt_optim_get_lr(OptimizerHandle o, out double lr);
    [LibraryImport(Library)] internal static partial int pt_optim_save(OptimizerHandle o, out nint bytes);
    [LibraryImport(Library)] internal static partial int pt_optim_load(OptimizerHandle o, byte* data, long length);

    [LibraryImport(Library)] internal static partial int pt_flatten(nint* parameters, int n, int which, out nint result);
    [LibraryImport(Library)] internal static partial int pt_unflatten_into(nint* parameters, int n, int which, TensorHandle flat);
    [LibraryImport(Library)] internal static partial int pt_topk_compress(TensorHandle flat, long k, out nint values, out nint indices);
    [LibraryImport(Library)] internal static partial int pt_topk_decompress(TensorHandle values, TensorHandle indices, long numel, out nint result);

    [LibraryImport(Library)] internal static partial int pt_stream_create(int deviceIndex, out nint stream);
    [LibraryImport(Library)] internal static partial void pt_stream_free(nint stream);
    [LibraryImport(Library)] internal static partial int pt_stream_activate(StreamHandle s);
    [LibraryImport(Library)] internal static partial int pt_stream_synchronize(StreamHandle s);
}
