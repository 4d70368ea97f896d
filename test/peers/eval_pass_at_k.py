# evalplus's unbiased pass@k estimator for every (n, c, k) with n <= 12, as JSON lines "n c k value".
import json
import numpy as np
from evalplus.eval import estimate_pass_at_k

out = []
for n in range(1, 13):
    for k in range(1, n + 1):
        cs = np.arange(0, n + 1)
        vals = estimate_pass_at_k(n, cs, k)
        out.extend([n, int(c), k, float(v)] for c, v in zip(cs, vals))
print(json.dumps(out))
