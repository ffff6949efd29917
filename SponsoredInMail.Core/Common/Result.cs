namespace SponsoredInMail.Core.Common;

/// <summary>
/// The outcome of a command that may be refused. A refusal names the field it concerns and says why in
/// words a user can act on; pages show it next to the field, the API returns it as problem details.
/// </summary>
public sealed record Result
{
    private Result(IReadOnlyList<FieldError> errors) => Errors = errors;

    public IReadOnlyList<FieldError> Errors { get; }

    public bool Succeeded => Errors.Count == 0;

    public static Result Ok { get; } = new([]);

    public static Result Fail(string field, string message) => new([new FieldError(field, message)]);

    public static Result Fail(IEnumerable<FieldError> errors) => new(errors.ToList());

    public string? ErrorFor(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;

    public override string ToString() => Succeeded ? "Ok" : string.Join("; ", Errors.Select(e => $"{e.Field}: {e.Message}"));
}

public sealed record FieldError(string Field, string Message);

/// <summary>A <see cref="Result"/> that carries a value when it succeeds.</summary>
public sealed record Result<T>(T? Value, Result Outcome)
{
    public bool Succeeded => Outcome.Succeeded;

    public static implicit operator Result<T>(Result failure) => new(default, failure);

    public static Result<T> Ok(T value) => new(value, Result.Ok);
}

/// <summary>One page of a server-side paged list.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int TotalCount);
