using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SponsoredInMail.Migrations.Postgres.Migrations
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
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "CampaignHoldouts",
                columns: table => new
                {
                    CampaignId = table.Column<int>(type: "integer", nullable: false),
                    MemberId = table.Column<int>(type: "integer", nullable: false),
                    AdvertiserAccountId = table.Column<int>(type: "integer", nullable: false),
                    HeldAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignHoldouts", x => new { x.CampaignId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "ConversionDefinitions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AdvertiserAccountId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Category = table.Column<int>(type: "integer", nullable: false),
                    ValueCents = table.Column<long>(type: "bigint", nullable: true),
                    PostClickDays = table.Column<int>(type: "integer", nullable: false),
                    PostSendDays = table.Column<int>(type: "integer", nullable: false),
                    Counting = table.Column<int>(type: "integer", nullable: false),
                    TagKey = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ArchivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AdvertiserAccountId = table.Column<int>(type: "integer", nullable: false),
                    Url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    Secret = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Events = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    DisabledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DisabledReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AdvertiserAccountId = table.Column<int>(type: "integer", nullable: false),
                    ConversionDefinitionId = table.Column<int>(type: "integer", nullable: false),
                    EventId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Source = table.Column<int>(type: "integer", nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    MemberId = table.Column<int>(type: "integer", nullable: true),
                    ValueCents = table.Column<long>(type: "bigint", nullable: false),
                    Touch = table.Column<int>(type: "integer", nullable: false),
                    DeliveryId = table.Column<long>(type: "bigint", nullable: true),
                    CampaignId = table.Column<int>(type: "integer", nullable: true),
                    AdId = table.Column<int>(type: "integer", nullable: true),
                    TouchAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Counted = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConversionEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConversionEvents_ConversionDefinitions_ConversionDefinition~",
                        column: x => x.ConversionDefinitionId,
                        principalTable: "ConversionDefinitions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WebhookDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    WebhookEndpointId = table.Column<int>(type: "integer", nullable: false),
                    AdvertiserAccountId = table.Column<int>(type: "integer", nullable: false),
                    EventType = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastStatusCode = table.Column<int>(type: "integer", nullable: true),
                    LastError = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LastDurationMs = table.Column<int>(type: "integer", nullable: true),
                    DeliveredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    WebhookDeliveryId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StatusCode = table.Column<int>(type: "integer", nullable: true),
                    DurationMs = table.Column<int>(type: "integer", nullable: false),
                    Error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
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
