// Training draws dropout masks from libtorch's one global generator, re-seeded every epoch; two trainings running at
// once in this process would interleave their draws and lose their determinism, which tests assert. So test classes
// run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
