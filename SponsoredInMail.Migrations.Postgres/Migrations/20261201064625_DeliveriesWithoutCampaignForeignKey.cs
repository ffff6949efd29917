using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SponsoredInMail.Migrations.Postgres.Migrations
{
    /// <summary>
    /// Hand-written, PostgreSQL only (the model and its snapshot keep the relationship): drops the foreign key from
    /// Deliveries to Campaigns. Its per-row check trigger was the largest single cost of a send batch; the send
    /// transaction holds the campaign row it sends for and campaigns are never deleted (see PostgresDeliveryStore).
    /// A later migration that changes this relationship must not expect the constraint to exist.
    /// </summary>
    public partial class DeliveriesWithoutCampaignForeignKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(name: "FK_Deliveries_Campaigns_CampaignId", table: "Deliveries");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddForeignKey(
                name: "FK_Deliveries_Campaigns_CampaignId",
                table: "Deliveries",
                column: "CampaignId",
                principalTable: "Campaigns",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
