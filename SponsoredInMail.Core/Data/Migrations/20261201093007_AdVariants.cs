using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SponsoredInMail.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class AdVariants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AdId",
                table: "Deliveries",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "AbTestEndedAt",
                table: "Campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "AbTestMetric",
                table: "Campaigns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Rotation",
                table: "Campaigns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<int>(
                name: "WinnerAdId",
                table: "Campaigns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CampaignAds",
                columns: table => new
                {
                    CampaignId = table.Column<int>(type: "INTEGER", nullable: false),
                    AdId = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Review = table.Column<int>(type: "INTEGER", nullable: false),
                    RejectionReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignAds", x => new { x.CampaignId, x.AdId });
                    table.ForeignKey(
                        name: "FK_CampaignAds_Ads_AdId",
                        column: x => x.AdId,
                        principalTable: "Ads",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CampaignAds_Campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "Campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CampaignAds_AdId",
                table: "CampaignAds",
                column: "AdId");
            // Every delivery so far carried its campaign's one ad; every campaign with an ad gets its one variant row,
            // approved if the campaign got past review (Approved, Active, Paused, Completed, Canceled, Archived).
            migrationBuilder.Sql("UPDATE Deliveries SET AdId = COALESCE((SELECT c.AdId FROM Campaigns AS c WHERE c.Id = Deliveries.CampaignId), 0);");
            migrationBuilder.Sql("""
                INSERT INTO CampaignAds (CampaignId, AdId, Position, Review)
                SELECT Id, AdId, 0, CASE WHEN Status IN (3, 4, 5, 6, 8, 9) THEN 2 ELSE 1 END FROM Campaigns WHERE AdId IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CampaignAds");

            migrationBuilder.DropColumn(
                name: "AdId",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "AbTestEndedAt",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "AbTestMetric",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "Rotation",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "WinnerAdId",
                table: "Campaigns");
        }
    }
}
