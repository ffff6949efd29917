using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SponsoredInMail.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class InMailExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExpiryMonth",
                table: "CreditLedger",
                type: "TEXT",
                maxLength: 7,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_CreditLedger_UserId_ExpiryMonth",
                table: "CreditLedger",
                columns: new[] { "UserId", "ExpiryMonth" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CreditLedger_UserId_ExpiryMonth",
                table: "CreditLedger");

            migrationBuilder.DropColumn(
                name: "ExpiryMonth",
                table: "CreditLedger");
        }
    }
}
