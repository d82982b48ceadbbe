# Reference outputs for FaceResNetTest: face-api.js's FaceRecognitionNet forward pass
# (src/faceRecognitionNet/*.ts of @vladmandic/face-api 1.7.15) ported to PyTorch, independently of
# the DL4J network, run on a fixed pattern image.
#   /usr/bin/python3 faceresnet_reference.py data/cache/weights/vladmandic-face-api-1.7.15.tgz
import io, json, sys, tarfile, numpy as np, torch, torch.nn.functional as F

with tarfile.open(sys.argv[1]) as t:
    man = json.load(t.extractfile('package/model/face_recognition_model-weights_manifest.json'))
    raw = np.frombuffer(t.extractfile('package/model/face_recognition_model.bin').read(), np.uint8)
W, off = {}, 0
for w in man[0]['weights']:
    n, q = int(np.prod(w['shape'])), w.get('quantization')
    if q:
        W[w['name']] = (raw[off:off + n].astype(np.float32) * q['scale'] + q['min']).reshape(w['shape']); off += n
    else:
        W[w['name']] = raw[off:off + 4 * n].view(np.float32).reshape(w['shape']); off += 4 * n

def conv(x, p, stride, relu):   # convLayer.ts: conv2d ('valid' when strided, else 'same'), + bias, * scale + shift
    f = torch.tensor(W[p + '/conv/filters']).permute(3, 2, 0, 1)
    x = F.conv2d(x, f, torch.tensor(W[p + '/conv/bias']), stride, 0 if stride == 2 else f.shape[2] // 2)
    x = x * torch.tensor(W[p + '/scale/weights'])[None, :, None, None] + torch.tensor(W[p + '/scale/biases'])[None, :, None, None]
    return F.relu(x) if relu else x

def residual(x, p, down):       # residualLayer.ts
    out = conv(conv(x, p + '/conv1', 2 if down else 1, True), p + '/conv2', 1, False)
    if not down: return F.relu(out + x)
    pooled = F.avg_pool2d(x, 2, 2)
    if pooled.shape[2] != out.shape[2]: out = F.pad(out, (0, 1, 0, 1))
    if pooled.shape[1] != out.shape[1]: pooled = torch.cat([pooled, torch.zeros_like(pooled)], 1)
    return F.relu(pooled + out)

h, w, c = np.meshgrid(np.arange(150), np.arange(150), np.arange(3), indexing='ij')
rgb = ((h * 7 + w * 3 + c * 11) % 256).astype(np.float32)                  # the pattern, 0-255
x = torch.tensor((rgb - [122.782, 117.001, 104.298]) / 255.0, dtype=torch.float32).permute(2, 0, 1)[None]
with torch.no_grad():
    x = F.max_pool2d(conv(x, 'conv32_down', 2, True), 3, 2)
    for u in ['conv32_1', 'conv32_2', 'conv32_3', 'conv64_down', 'conv64_1', 'conv64_2', 'conv64_3', 'conv128_down', 'conv128_1', 'conv128_2']:
        x = residual(x, u, 'down' in u)
    print('conv128_2 sum %.4f' % x.sum().item())
    for u in ['conv256_down', 'conv256_1', 'conv256_2', 'conv256_down_out']:
        x = residual(x, u, 'down' in u)
    print('conv256_down_out sum %.4f' % x.sum().item(), 'pooled', x.mean((2, 3))[0, :6].numpy())
