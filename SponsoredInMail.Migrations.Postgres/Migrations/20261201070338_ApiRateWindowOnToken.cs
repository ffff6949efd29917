using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SponsoredInMail.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ApiRateWindowOnToken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "RateWindowRequests",
                table: "ApiTokens",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "RateWindowStart",
                table: "ApiTokens",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RateWindowRequests",
                table: "ApiTokens");

            migrationBuilder.DropColumn(
                name: "RateWindowStart",
                table: "ApiTokens");
        }
    }
}
