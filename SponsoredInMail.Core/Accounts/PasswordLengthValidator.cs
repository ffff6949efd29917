using Microsoft.AspNetCore.Identity;

namespace SponsoredInMail.Core.Accounts;

/// <summary>
/// OWASP ASVS 5 (V6.2): at least 8 characters, at most 128 allowed, no composition rules. Identity checks
/// the minimum itself (RequiredLength); this adds the upper bound so a huge password cannot be used to
/// make hashing expensive.
/// </summary>
public sealed class PasswordLengthValidator<TUser> : IPasswordValidator<TUser> where TUser : class
{
    public const int MaxLength = 128;

    public Task<IdentityResult> ValidateAsync(UserManager<TUser> manager, TUser user, string? password) =>
        Task.FromResult(password is { Length: > MaxLength }
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordTooLong", Description = $"Passwords must be at most {MaxLength} characters." })
            : IdentityResult.Success);
}
