using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Changes;

/// <summary>
/// The one seam through which changes enter the feed. Every SaveChanges of <see cref="AppDbContext"/> is looked at:
/// the entities others follow (members, companies, opt-outs, matched lists, campaigns, sender permissions, inbox
/// messages, InMails, credits, attributed conversions) become <see cref="DataChange"/> rows written in the same transaction — nobody has to
/// remember to tell anyone. Set-based writes (raw SQL, ExecuteUpdate) append theirs with
/// <see cref="ChangeLog.AppendAsync"/>. Once the transaction commits, <see cref="ChangeSignal"/> wakes the followers.
/// </summary>
public sealed class ChangeRecorder(ChangeSignal signal, TimeProvider clock) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        if (eventData.Context is AppDbContext db && Collect(db) is { Count: > 0 } pending)
        {
            db.PendingChanges = pending;
            if (db.Database.CurrentTransaction is null)
            {
                // The changes must commit with the data: make SaveChanges' own transaction ours.
                db.OwnedChangeTransaction = await db.Database.BeginTransactionAsync(ct);
            }
        }
        return result;
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is AppDbContext db && Collect(db) is { Count: > 0 } pending)
        {
            db.PendingChanges = pending;
            if (db.Database.CurrentTransaction is null)
            {
                db.OwnedChangeTransaction = db.Database.BeginTransaction();
            }
        }
        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        if (eventData.Context is AppDbContext { PendingChanges: { } pending } db)
        {
            db.PendingChanges = null;
            foreach (var change in pending)
            {
                if (change() is { } recorded)
                {
                    ChangeLog.Append(db, recorded, clock.GetUtcNow().UtcDateTime);
                }
            }
            if (db.OwnedChangeTransaction is { } owned)
            {
                db.OwnedChangeTransaction = null;
                await owned.CommitAsync(ct);
                await owned.DisposeAsync();
            }
        }
        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is AppDbContext { PendingChanges: { } pending } db)
        {
            db.PendingChanges = null;
            foreach (var change in pending)
            {
                if (change() is { } recorded)
                {
                    ChangeLog.Append(db, recorded, clock.GetUtcNow().UtcDateTime);
                }
            }
            if (db.OwnedChangeTransaction is { } owned)
            {
                db.OwnedChangeTransaction = null;
                owned.Commit();
                owned.Dispose();
            }
        }
        return result;
    }

    public async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken ct = default)
    {
        if (eventData.Context is AppDbContext db)
        {
            db.PendingChanges = null;
            if (db.OwnedChangeTransaction is { } owned)
            {
                db.OwnedChangeTransaction = null;
                await owned.DisposeAsync();
            }
        }
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is AppDbContext db)
        {
            db.PendingChanges = null;
            db.OwnedChangeTransaction?.Dispose();
            db.OwnedChangeTransaction = null;
        }
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is AppDbContext { AppendedChanges: { } appended } db)
        {
            db.AppendedChanges = null;
            signal.Committed(appended);
        }
    }

    // Queued changes are written last, inside the committing transaction.
    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken ct = default)
    {
        if (eventData.Context is AppDbContext db)
        {
            await ChangeLog.FlushAsync(db, transaction, ct);
        }
        return result;
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (eventData.Context is AppDbContext db)
        {
            ChangeLog.Flush(db, transaction);
        }
        return result;
    }

    // A transaction that ended without a commit or rollback event (disposed) must not publish its appends later.
    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken ct = default) =>
        ValueTask.FromResult(TransactionStarted(connection, eventData, result));

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        if (eventData.Context is AppDbContext db)
        {
            db.AppendedChanges = null;
            db.ChangesToAppend = null;
        }
        return result;
    }

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is AppDbContext db)
        {
            db.AppendedChanges = null;
            db.ChangesToAppend = null;
        }
    }

    /// <summary>
    /// What each tracked entity means to followers. Ids of added rows are generated by the insert, so each change
    /// is made after it (a thunk); deleted rows are read now, while their values are still tracked.
    /// </summary>
    private static List<Func<DataChange?>> Collect(AppDbContext db)
    {
        var pending = new List<Func<DataChange?>>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }
            var deleted = entry.State == EntityState.Deleted;
            switch (entry.Entity)
            {
                case Member member:
                    pending.Add(OnlyActivityChanged(entry)
                        ? () => new MemberSeen(member.Id, member.LastActiveAt)
                        : () => new MemberChanged(member.Id));
                    break;
                case Company company:
                    pending.Add(() => new CompanyChanged(company.Id));
                    break;
                case MemberOptOut optOut when entry.State != EntityState.Modified:
                    {
                        var removed = new OptOutChanged(optOut.MemberId, optOut.Scope, optOut.AdvertiserAccountId, optOut.SenderMemberId, Added: !deleted);
                        pending.Add(() => removed);
                        break;
                    }
                case Audiences.MatchedAudience list when deleted:
                    {
                        var gone = new MatchedAudienceDeleted(list.Id, list.AdvertiserAccountId);
                        pending.Add(() => gone);
                        break;
                    }
                case Audiences.MatchedAudience list:
                    pending.Add(() => new MatchedAudienceSaved(list.Id, list.AdvertiserAccountId));
                    break;
                case Campaigns.Campaign campaign when !deleted:
                    {
                        var status = entry.Property(nameof(Campaigns.Campaign.Status));
                        Campaigns.CampaignStatus? previous = entry.State == EntityState.Modified && status.IsModified
                            ? (Campaigns.CampaignStatus)status.OriginalValue! : null;
                        pending.Add(() => new CampaignChanged(campaign.Id, campaign.AdvertiserAccountId, campaign.Name, campaign.Status, previous,
                            campaign.LaunchedAt is not null));
                        break;
                    }
                case Deliveries.Delivery delivery when entry.State == EntityState.Added:
                    // The engine's batches append their own change; a delivery written through EF (test data) is one send.
                    pending.Add(() => new DeliveriesSent(delivery.CampaignId, delivery.AdvertiserAccountId, delivery.DeliveredAt, [delivery.MemberId]));
                    break;
                case Accounts.SenderPermission permission:
                    pending.Add(() => new SenderPermissionChanged(permission.AdvertiserAccountId, permission.MemberId));
                    break;
                case Inbox.TestMessage test when !deleted:
                    pending.Add(() => new InboxMessageAdded(test.ToMemberId));
                    break;
                case Inbox.OrganicMessage organic when !deleted:
                    pending.Add(() => new InboxMessageAdded(organic.ToMemberId));
                    break;
                case InMail.InMailMessage inMail when !deleted:
                    pending.Add(() => new InMailChanged(inMail.Id, inMail.ToMemberId, inMail.SenderUserId));
                    break;
                case InMail.CreditLedgerEntry ledger when !deleted:
                    pending.Add(() => new CreditsChanged(ledger.UserId));
                    break;
                case Conversions.ConversionEvent conversion when entry.State == EntityState.Added && conversion.CampaignId is not null:
                    pending.Add(() => new ConversionAttributed(conversion.Id, conversion.AdvertiserAccountId, conversion.CampaignId!.Value, conversion.ConversionDefinitionId));
                    break;
            }
        }
        return pending;
    }

    private static bool OnlyActivityChanged(EntityEntry entry) =>
        entry.State == EntityState.Modified
        && entry.Properties.Where(p => p.IsModified).All(p => p.Metadata.Name == nameof(Member.LastActiveAt));
}

/// <summary>
/// Appends changes inside the caller's transaction (for writes that do not go through SaveChanges, and for the
/// recorder itself). Plain ADO with a portable INSERT … RETURNING, so every provider's stores share it. The caller
/// hands the returned envelopes to <see cref="ChangeSignal.Committed"/> once its transaction commits.
/// </summary>
public static class ChangeLog
{

    /// <summary>
    /// Appends <paramref name="change"/> to <paramref name="db"/>'s current transaction: the row is written just before
    /// the commit (so the feed's ordering lock, where a provider needs one, is held only while committing) and the
    /// commit signals followers.
    /// </summary>
    public static Task AppendAsync(AppDbContext db, DataChange change, DateTime at, CancellationToken ct)
    {
        Append(db, change, at);
        return Task.CompletedTask;
    }

    public static void Append(AppDbContext db, DataChange change, DateTime at)
    {
        RequireTransaction(db);
        (db.ChangesToAppend ??= []).Add((change, at));
    }

    /// <summary>Writes what <see cref="Append"/> queued, inside the committing transaction (called by <see cref="ChangeRecorder"/>).</summary>
    internal static async Task FlushAsync(AppDbContext db, DbTransaction transaction, CancellationToken ct)
    {
        if (db.ChangesToAppend is not { Count: > 0 } queued)
        {
            return;
        }
        db.ChangesToAppend = null;
        foreach (var (change, at) in queued)
        {
            (db.AppendedChanges ??= []).Add(await AppendAsync(db.Database.GetDbConnection(), transaction, change, at, ct));
        }
    }

    internal static void Flush(AppDbContext db, DbTransaction transaction)
    {
        if (db.ChangesToAppend is not { Count: > 0 } queued)
        {
            return;
        }
        db.ChangesToAppend = null;
        foreach (var (change, at) in queued)
        {
            using var command = Insert(db.Database.GetDbConnection(), transaction, change, at);
            (db.AppendedChanges ??= []).Add(new ChangeEnvelope(Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture), at, change));
        }
    }

    /// <summary>Appends on a raw connection inside <paramref name="transaction"/>; returns the change with its position.</summary>
    public static async Task<ChangeEnvelope> AppendAsync(DbConnection connection, DbTransaction transaction, DataChange change, DateTime at, CancellationToken ct)
    {
        await using var command = Insert(connection, transaction, change, at);
        return new ChangeEnvelope(Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture), at, change);
    }

    private static DbCommand Insert(DbConnection connection, DbTransaction transaction, DataChange change, DateTime at)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Data.DataServiceCollectionExtensions.ServicesFor(ProviderOf(connection)).AppendChangeSql;
        Add(command, "kind", change.Kind);
        Add(command, "payload", change.ToJson());
        Add(command, "at", at);
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static Data.DatabaseProvider ProviderOf(DbConnection connection) =>
        connection.GetType().FullName!.StartsWith("Npgsql.", StringComparison.Ordinal) ? Data.DatabaseProvider.Postgres : Data.DatabaseProvider.Sqlite;

    // Outside a transaction nothing would signal the commit, and the change would not be atomic with its data.
    private static void RequireTransaction(AppDbContext db)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Changes are appended inside the transaction that makes them.");
        }
    }
}
