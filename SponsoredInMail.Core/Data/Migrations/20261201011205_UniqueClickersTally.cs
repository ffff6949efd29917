using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SponsoredInMail.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class UniqueClickersTally : Migration
    {
        /// <summary>
        /// Each delivery's first counted click (CTA 2, link 3, banner 4, conversation button 7), then the members who first
        /// clicked on each day.
        /// </summary>
        public const string BackfillSql = """
            UPDATE Deliveries SET FirstClickedAt = (
                SELECT MIN(e.At) FROM EngagementEvents AS e WHERE e.DeliveryId = Deliveries.Id AND e.Kind IN (2, 3, 4, 7) AND e.Counted = 1)
            WHERE EXISTS (SELECT 1 FROM EngagementEvents AS e WHERE e.DeliveryId = Deliveries.Id AND e.Kind IN (2, 3, 4, 7) AND e.Counted = 1);
            UPDATE CampaignDailyStats SET UniqueClickers = c.n
            FROM (SELECT CampaignId, date(FirstClickedAt) AS Day, COUNT(*) AS n FROM Deliveries WHERE FirstClickedAt IS NOT NULL GROUP BY 1, 2) AS c
            WHERE c.CampaignId = CampaignDailyStats.CampaignId AND c.Day = CampaignDailyStats.Day;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "FirstClickedAt",
                table: "Deliveries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "UniqueClickers",
                table: "CampaignDailyStats",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Existing history: the same first clicks and tallies the engagement store now keeps as events arrive.
            migrationBuilder.Sql(BackfillSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FirstClickedAt",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "UniqueClickers",
                table: "CampaignDailyStats");
        }
    }
}
