using SponsoredInMail.Tests;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(TestOrder))]
[assembly: TestClassOrderer(typeof(TestOrder))]
[assembly: TestCaseOrderer(typeof(TestOrder))]

namespace SponsoredInMail.Tests;

/// <summary>
/// xunit's own stable order, or with <c>TEST_ORDER=reverse</c> exactly that order backwards (collections, the classes
/// in each collection, and the tests in each class). No test may depend on another's data, so both orders must pass:
/// <c>TEST_ORDER=reverse dotnet test --no-build --project SponsoredInMail.Tests</c>.
/// </summary>
public sealed class TestOrder : ITestCollectionOrderer, ITestClassOrderer, ITestCaseOrderer
{
    public static bool Reversed => string.Equals(Environment.GetEnvironmentVariable("TEST_ORDER"), "reverse", StringComparison.OrdinalIgnoreCase);

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        Apply(DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections));

    public IReadOnlyCollection<TTestClass?> OrderTestClasses<TTestClass>(IReadOnlyCollection<TTestClass?> testClasses)
        where TTestClass : ITestClass =>
        Apply(DefaultTestClassOrderer.Instance.OrderTestClasses(testClasses));

    public IReadOnlyCollection<TTestCase> OrderTestCases<TTestCase>(IReadOnlyCollection<TTestCase> testCases)
        where TTestCase : notnull, ITestCase =>
        Apply(DefaultTestCaseOrderer.Instance.OrderTestCases(testCases));

    private static IReadOnlyCollection<T> Apply<T>(IReadOnlyCollection<T> ordered) => Reversed ? ordered.Reverse().ToList() : ordered;
}
