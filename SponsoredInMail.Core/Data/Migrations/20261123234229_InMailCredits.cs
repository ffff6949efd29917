using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SponsoredInMail.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class InMailCredits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CreditLedger",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Amount = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    GrantMonth = table.Column<string>(type: "TEXT", maxLength: 7, nullable: true),
                    InMailId = table.Column<long>(type: "INTEGER", nullable: true),
                    RefundOfInMailId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CreditLedger", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InMails",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SenderUserId = table.Column<string>(type: "TEXT", nullable: false),
                    SenderMemberId = table.Column<int>(type: "INTEGER", nullable: false),
                    ToMemberId = table.Column<int>(type: "INTEGER", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReadAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RespondedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Response = table.Column<int>(type: "INTEGER", nullable: true),
                    ReplyText = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InMails", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SalesSeats",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    Tier = table.Column<int>(type: "INTEGER", nullable: false),
                    AssignedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SalesSeats", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_SalesSeats_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CreditLedger_RefundOfInMailId",
                table: "CreditLedger",
                column: "RefundOfInMailId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CreditLedger_UserId_At",
                table: "CreditLedger",
                columns: new[] { "UserId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CreditLedger_UserId_GrantMonth",
                table: "CreditLedger",
                columns: new[] { "UserId", "GrantMonth" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InMails_SenderUserId_SentAt",
                table: "InMails",
                columns: new[] { "SenderUserId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InMails_ToMemberId_SentAt",
                table: "InMails",
                columns: new[] { "ToMemberId", "SentAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CreditLedger");

            migrationBuilder.DropTable(
                name: "InMails");

            migrationBuilder.DropTable(
                name: "SalesSeats");
        }
    }
}
