"""The cells of notebooks/06_digits.ipynb; ``python notebooks/build_notebooks.py 06_digits.ipynb`` rebuilds it."""

from __future__ import annotations

from cells import Cell, code, md

NAME = "06_digits.ipynb"

CELLS: list[Cell] = [
    md("""
# 6. Real data: handwritten digits on a scalar engine

Every scalar autodiff demo stops at two-dimensional toys. Here the same engine, one `Value` per
number, learns the 1,797 8x8 handwritten digits of the UCI *Optical Recognition of Handwritten
Digits* set (E. Alpaydin and C. Kaynak, 1998, CC BY 4.0), shipped inside the package:
`autograd.data.load_digits()` reads them offline with the standard library.

Each image is 64 numbers from 0 to 16: a 32x32 bitmap cut into 4x4 blocks, each pixel counting
the inked bits of its block.
"""),
    code("""
from collections import Counter

import matplotlib.pyplot as plt
from IPython.display import clear_output, display

from autograd import digits
from autograd.data import DIGITS_CREDIT, load_digits, train_test_split
from autograd.nn import MLP
from autograd.optim import Adam, LinearDecay
from autograd.training import (confusion_matrix, fit, format_confusion_matrix, accuracy,
                               per_class_accuracy, predict)

X_raw, y = load_digits()
print(len(X_raw), "digits,", len(X_raw[0]), "pixels each; per class:", sorted(Counter(y).items()))
print(DIGITS_CREDIT)
digits.plot_digits(X_raw[:30], [str(t) for t in y[:30]], figure=plt.figure(figsize=(10, 3.8)))
plt.show()
"""),
    md("""
## The recipe

Pixels divided by 16 (into [0, 1]); a quarter of the digits held out for testing; an MLP
64 → 32 → 10 (relu, linear output: 2,410 parameters) giving one logit per digit; cross-entropy;
Adam on batches of 32 with the learning rate decaying linearly. `autograd train --dataset digits`
runs 30 passes and reaches about 97%; here 8 passes, to keep the notebook quick.
"""),
    code("""
X, y = digits.load_scaled()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
model = MLP(64, [32, 10], activation="relu", seed=0)
epochs, batch = 8, 32
steps_per_epoch = len(y_train) // batch
opt = Adam(model.parameters(), lr=0.01)
schedule = LinearDecay(opt, 0.01, 0.0005, epochs * steps_per_epoch)
curve = digits.EpochCurve(model, X_test, y_test, steps_per_epoch)
print(f"{len(y_train)} training digits, {len(y_test)} test digits, {model}, "
      f"{len(model.parameters())} parameters")
"""),
    md("""
## Training, with a live learning curve

Each pass is `steps_per_epoch` optimizer steps of `fit`; the curve (training loss of the pass,
accuracy on the held-out digits) is redrawn after each one.
"""),
    code("""
import time

start = time.perf_counter()
for epoch in range(epochs):
    fit(model, X_train, y_train, opt, steps_per_epoch, loss="cross_entropy", batch_size=batch,
        schedule=schedule, seed=epoch, callback=curve)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    digits.plot_learning_curve(curve, ax)
    ax.set_xlim(0.5, epochs + 0.5)
    clear_output(wait=True)  # type: ignore[no-untyped-call]
    display(fig)  # type: ignore[no-untyped-call]
    plt.close(fig)
    print(f"epoch {epoch + 1}/{epochs}: loss {curve.train_loss[-1]:.4f}, "
          f"test accuracy {curve.test_accuracy[-1]:.1%}, {time.perf_counter() - start:.1f} s")
"""),
    md("""
## Where it goes wrong

The confusion matrix counts test digits by true class (rows) and predicted class (columns); the
last column is each class's accuracy.
"""),
    code("""
predicted = predict(model, X_test)
matrix = confusion_matrix(y_test, predicted, 10)
print(format_confusion_matrix(matrix))
fig, ax = plt.subplots(figsize=(4.2, 3.6))
ax.imshow(matrix, cmap="Blues")
for t in range(10):
    for p in range(10):
        if matrix[t][p]:
            ax.text(p, t, str(matrix[t][p]), ha="center", va="center", fontsize=7,
                    color="white" if matrix[t][p] > 20 else "black")
ax.set_xlabel("predicted"); ax.set_ylabel("true"); ax.set_xticks(range(10)); ax.set_yticks(range(10))
ax.set_title(f"test accuracy {accuracy(model, X_test, y_test):.1%}"); fig.tight_layout(); plt.show()
"""),
    code("""
digits.plot_misclassified(model, X_test, y_test, limit=20, figure=plt.figure(figsize=(10, 2.8)))
plt.show()
"""),
    md("""
## What the first layer learnt

Each of the 32 hidden neurons has 64 weights, one per pixel: drawn as an 8x8 image (red
positive, blue negative), each is a template the neuron matches the digit against.
"""),
    code("""
weights = [[w.data for w in neuron.w] for neuron in model.layers[0].neurons]
top = max(abs(v) for row in weights for v in row)
fig, axes = plt.subplots(4, 8, figsize=(8, 4.4))
for i, (ax, row) in enumerate(zip(axes.flat, weights)):
    ax.imshow([row[8 * r:8 * r + 8] for r in range(8)], cmap="RdBu_r", vmin=-top, vmax=top)
    ax.set_xticks([]); ax.set_yticks([]); ax.set_title(f"neuron {i}", fontsize=7)
fig.suptitle("first-layer weights, one 8x8 image per hidden neuron"); fig.tight_layout(); plt.show()
"""),
    md("""
## Moving to PyTorch

`model.to_torch()` gives an equal `torch.nn.Sequential` in float64 (the same weights, the same
activations); `MLP.from_torch(seq)` goes back. The logits agree to rounding, so the predictions
are the same, and training can go on in PyTorch.
"""),
    code("""
import torch

seq = model.to_torch()
print(seq)
with torch.no_grad():
    logits = seq(torch.tensor(X_test, dtype=torch.float64))
torch_predicted = logits.argmax(dim=1).tolist()
ours = [[v.data for v in model(x)] for x in X_test]
gap = max(abs(a - b) for row, trow in zip(ours, logits.tolist()) for a, b in zip(row, trow))
print(f"same predictions on all {len(y_test)} test digits: {torch_predicted == predicted}")
print(f"largest difference between the logits: {gap:.1e}")
back = MLP.from_torch(seq)
print("round trip exact:", back.state_dict() == model.state_dict())
"""),
    code("""
# One more pass in PyTorch, batched tensors and its own Adam: the same model, now fast.
torch.set_num_threads(1)  # tiny matrices: one thread is fastest
opt_t = torch.optim.Adam(seq.parameters(), lr=0.0005)
Xt, yt = torch.tensor(X_train, dtype=torch.float64), torch.tensor(y_train)
start = time.perf_counter()
for i in range(0, len(y_train) - batch + 1, batch):
    loss = torch.nn.functional.cross_entropy(seq(Xt[i:i + batch]), yt[i:i + batch])
    opt_t.zero_grad(); torch.autograd.backward(loss); opt_t.step()  # loss.backward(), typed
with torch.no_grad():
    acc = (seq(torch.tensor(X_test, dtype=torch.float64)).argmax(1) == torch.tensor(y_test)).double().mean()
print(f"one pass in PyTorch: {time.perf_counter() - start:.3f} s, test accuracy {acc.item():.1%}")
"""),
]
