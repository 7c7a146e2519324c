"""fp32 matmul through cuBLAS with TF32 off: the ceiling for latentgpu's WGSL matmul on this GPU."""
import json
import time

import torch

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
rows = []
for n in (1024, 2048, 4096, 8192):
    a = torch.randn(n, n, device="cuda")
    b = torch.randn(n, n, device="cuda")
    for _ in range(3):
        a @ b
    torch.cuda.synchronize()
    reps = max(3, int(2e11 / (2 * n**3)))
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    torch.cuda.synchronize()
    s = (time.perf_counter() - t0) / reps
    rows.append({"n": n, "ms": s * 1e3, "gflops": 2 * n**3 / s / 1e9})
print(json.dumps({"peer": "torch.matmul fp32, TF32 off", "device": torch.cuda.get_device_name(), "rows": rows}))
