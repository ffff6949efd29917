using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SponsoredInMail.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Conversions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "HoldoutPercent",
                table: "Campaigns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "CampaignHoldouts",
                columns: table => new
                {
                    CampaignId = table.Column<int>(type: "INTEGER", nullable: false),
                    MemberId = table.Column<int>(type: "INTEGER", nullable: false),
                    AdvertiserAccountId = table.Column<int>(type: "INTEGER", nullable: false),
                    HeldAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignHoldouts", x => new { x.CampaignId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "ConversionDefinitions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AdvertiserAccountId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Category = table.Column<int>(type: "INTEGER", nullable: false),
                    ValueCents = table.Column<long>(type: "INTEGER", nullable: true),
                    PostClickDays = table.Column<int>(type: "INTEGER", nullable: false),
                    PostSendDays = table.Column<int>(type: "INTEGER", nullable: false),
                    Counting = table.Column<int>(type: "INTEGER", nullable: false),
                    TagKey = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ArchivedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConversionDefinitions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConversionDefinitions_AdvertiserAccounts_AdvertiserAccountId",
                        column: x => x.AdvertiserAccountId,
                        principalTable: "AdvertiserAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WebhookEndpoints",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AdvertiserAccountId = table.Column<int>(type: "INTEGER", nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    Secret = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Events = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    DisabledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DisabledReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookEndpoints", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookEndpoints_AdvertiserAccounts_AdvertiserAccountId",
                        column: x => x.AdvertiserAccountId,
                        principalTable: "AdvertiserAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConversionEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AdvertiserAccountId = table.Column<int>(type: "INTEGER", nullable: false),
                    ConversionDefinitionId = table.Column<int>(type: "INTEGER", nullable: false),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Source = table.Column<int>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    MemberId = table.Column<int>(type: "INTEGER", nullable: true),
                    ValueCents = table.Column<long>(type: "INTEGER", nullable: false),
                    Touch = table.Column<int>(type: "INTEGER", nullable: false),
                    DeliveryId = table.Column<long>(type: "INTEGER", nullable: true),
                    CampaignId = table.Column<int>(type: "INTEGER", nullable: true),
                    AdId = table.Column<int>(type: "INTEGER", nullable: true),
                    TouchAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Counted = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConversionEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConversionEvents_ConversionDefinitions_ConversionDefinitionId",
                        column: x => x.ConversionDefinitionId,
                        principalTable: "ConversionDefinitions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WebhookDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WebhookEndpointId = table.Column<int>(type: "INTEGER", nullable: false),
                    AdvertiserAccountId = table.Column<int>(type: "INTEGER", nullable: false),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastStatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    LastDurationMs = table.Column<int>(type: "INTEGER", nullable: true),
                    DeliveredAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookDeliveries_WebhookEndpoints_WebhookEndpointId",
                        column: x => x.WebhookEndpointId,
                        principalTable: "WebhookEndpoints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WebhookAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WebhookDeliveryId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    DurationMs = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookAttempts_WebhookDeliveries_WebhookDeliveryId",
                        column: x => x.WebhookDeliveryId,
                        principalTable: "WebhookDeliveries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CampaignHoldouts_AdvertiserAccountId_MemberId",
                table: "CampaignHoldouts",
                columns: new[] { "AdvertiserAccountId", "MemberId" });

            migrationBuilder.CreateIndex(
                name: "IX_ConversionDefinitions_AdvertiserAccountId_Name",
                table: "ConversionDefinitions",
                columns: new[] { "AdvertiserAccountId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConversionDefinitions_TagKey",
                table: "ConversionDefinitions",
                column: "TagKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConversionEvents_AdvertiserAccountId_EventId",
                table: "ConversionEvents",
                columns: new[] { "AdvertiserAccountId", "EventId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConversionEvents_AdvertiserAccountId_MemberId_OccurredAt",
                table: "ConversionEvents",
                columns: new[] { "AdvertiserAccountId", "MemberId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ConversionEvents_AdvertiserAccountId_ReceivedAt",
                table: "ConversionEvents",
                columns: new[] { "AdvertiserAccountId", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ConversionEvents_CampaignId_OccurredAt",
                table: "ConversionEvents",
                columns: new[] { "CampaignId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ConversionEvents_ConversionDefinitionId",
                table: "ConversionEvents",
                column: "ConversionDefinitionId");

            migrationBuilder.CreateIndex(
                name: "IX_ConversionEvents_DeliveryId_ConversionDefinitionId",
                table: "ConversionEvents",
                columns: new[] { "DeliveryId", "ConversionDefinitionId" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookAttempts_WebhookDeliveryId_At",
                table: "WebhookAttempts",
                columns: new[] { "WebhookDeliveryId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_Status_NextAttemptAt",
                table: "WebhookDeliveries",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_WebhookEndpointId_CreatedAt",
                table: "WebhookDeliveries",
                columns: new[] { "WebhookEndpointId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_WebhookEndpointId_IdempotencyKey",
                table: "WebhookDeliveries",
                columns: new[] { "WebhookEndpointId", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookEndpoints_AdvertiserAccountId",
                table: "WebhookEndpoints",
                column: "AdvertiserAccountId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CampaignHoldouts");

            migrationBuilder.DropTable(
                name: "ConversionEvents");

            migrationBuilder.DropTable(
                name: "WebhookAttempts");

            migrationBuilder.DropTable(
                name: "ConversionDefinitions");

            migrationBuilder.DropTable(
                name: "WebhookDeliveries");

            migrationBuilder.DropTable(
                name: "WebhookEndpoints");

            migrationBuilder.DropColumn(
                name: "HoldoutPercent",
                table: "Campaigns");
        }
    }
}
