"""Published (and independently computed) numbers for the sequence tasks, each with its source and the
margin within which a run here counts as reproducing it. Plain data: imported at registration."""

from __future__ import annotations

from harness.specs import Reference

GREYDANUS = ("Greydanus 2020, 'Scaling down deep learning' (arXiv:2011.14439), greydanus/mnist1d README table "
             "of test accuracies on the 4,000/1,000 split")
ONE_TEST = "1,000 test sequences: one error is 0.1 points and seeds of one model spread by 1-2 points"
MNIST1D = (
    Reference("linear", "accuracy", 0.32, f"{GREYDANUS}: logistic regression 32%", tolerance=0.05,
              why=f"softmax regression trained a fixed number of AdamW epochs, not their fit; {ONE_TEST}"),
    Reference("greydanus-mlp", "accuracy", 0.68, f"{GREYDANUS}: MLP 68%", tolerance=0.05,
              why="no MLP is registered for the sequence family: shown for scale"),
    Reference("cnn1d", "accuracy", 0.94, f"{GREYDANUS}: CNN 94%", tolerance=0.04,
              why="their CNN is a small three-layer 1-D convnet; cnn1d is the FCN of Wang et al. 2017 (128/256/128 "
              f"channels, global average pooling) trained within the 5-minute CPU budget; {ONE_TEST}"),
    Reference("gru", "accuracy", 0.91, f"{GREYDANUS}: GRU 91%", tolerance=0.05,
              why=f"their GRU's width and training schedule differ from this gru's (AdamW, cosine schedule, the "
              f"5-minute CPU budget); {ONE_TEST}"),
)
MNIST1D_SHUFFLED = (
    Reference("linear", "accuracy", 0.32, f"{GREYDANUS}: logistic regression 32% (unshuffled)", tolerance=0.05,
              why="a linear model on all 40 steps is blind to a fixed reordering of its inputs (the same model "
              f"class up to a relabelling of its weights), so its unshuffled number holds; {ONE_TEST}"),
    Reference("cnn1d", "accuracy", 0.56, f"{GREYDANUS}: CNN on shuffled MNIST-1D 56%", tolerance=0.06,
              why="another convnet (see mnist1d) on a different fixed shuffle of the steps: how much local "
              f"structure a shuffle leaves varies with the permutation; {ONE_TEST}"),
    Reference("gru", "accuracy", 0.57, f"{GREYDANUS}: GRU on shuffled MNIST-1D 57%", tolerance=0.06,
              why=f"another GRU and a different fixed shuffle of the steps (see mnist1d and cnn1d); {ONE_TEST}"),
)

DIGITS_SPLIT = "the digits task's split (train 1,078, test 359), 64 pixels / 16 flattened"
PIXEL_DIGITS = (
    Reference("sklearn-logistic", "accuracy", 0.9526,
              f"scikit-learn LogisticRegression(max_iter=5000) on {DIGITS_SPLIT}, computed here (a test of the "
              "sequence tasks recomputes it)", tolerance=0.02,
              why="a linear floor that ignores the reading order: any permutation of the steps leaves it "
              "unchanged; 359 test images, one error is 0.28 points"),
    Reference("sklearn-svc", "accuracy", 0.9805,
              f"scikit-learn SVC(gamma=0.256) (the sklearn digits example's gamma=0.001 on 0..16 pixels) on "
              f"{DIGITS_SPLIT}, computed here", tolerance=0.02,
              why="an RBF kernel machine on the flattened image, blind to the reading order: what a sequence "
              "model that reads the 64 steps well could reach; one error is 0.28 points"),
)


def adding_references() -> tuple[Reference, ...]:
    """The adding problem's floor: the constant prediction 1.0, whose MSE is Var(U1 + U2) = 1/6."""
    return (Reference("constant", "mse", 0.167,
                      "the constant prediction 1.0 (the mean of the target): MSE = Var(U1 + U2) = 2/12 = 1/6; "
                      "Le et al. 2015, section 4.1, call 0.1767 the baseline of this problem",
                      tolerance=0.02, why="1/6 is the expectation; 2,000 test sums give 0.167 +/- 0.004"),)


LISTOPS_LRA = (
    Reference("transformer", "accuracy", 0.3637,
              "Tay et al. 2021, 'Long Range Arena' (ICLR), Table 1: vanilla Transformer on ListOps 36.37",
              note="LRA trains on 96,000 expressions for 5,000 steps with their own data (another draw of the same "
              "rules) and a larger encoder", tolerance=0.05,
              why="a smaller encoder and another draw of 96,000 expressions by the same rules (full profile); "
              "LRA's models span 35.6-37.3 on ListOps, so only the full profile can come this close"),
)


SKLEARN_LISTOPS = ("computed here: python benchmarks/sklearn_reference.py --task listops (the default profile's "
                   "5,000 training expressions and 2,000 test expressions)")
LISTOPS = (
    Reference("majority-class", "accuracy", 0.148,
              f"{SKLEARN_LISTOPS}: scikit-learn's DummyClassifier, the most frequent class",
              tolerance=0.02, why="the floor: the most frequent answer of the training expressions; 2,000 test "
              "expressions, one error is 0.05 points"),
    Reference("linear", "accuracy", 0.211, f"{SKLEARN_LISTOPS}: LogisticRegression on token counts "
              "(StandardScaler)", tolerance=0.03,
              why="the same order-blind model class as `linear` on token tasks (a linear map of the bag of "
              "tokens) fitted by L-BFGS instead of AdamW epochs: what the multiset of tokens gives away"),
)
