// Compiled twice: by MSBuild's RoslynCodeTaskFactory (see AlexVis.Native.targets) and, with
// ALEXVIS_NO_MSBUILD_TASK defined, into AlexVis.Model.Tests. Hence netstandard2.0-only APIs and no nullable annotations.
#nullable disable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace AlexVis.Build
{
    /// <summary>One symbol-version requirement (an Elf64_Vernaux entry) of an ELF shared object.</summary>
    public sealed class ElfVersionNeed
    {
        /// <summary>The library the version is required from, e.g. libstdc++.so.6.</summary>
        public string File { get; set; }
        /// <summary>The version name, e.g. GLIBCXX_3.4.32.</summary>
        public string Name { get; set; }
        /// <summary>vna_flags; 0x2 (VER_FLG_WEAK) lets the loader continue when the version is missing.</summary>
        public ushort Flags { get; set; }
        /// <summary>File offset of the vna_flags field.</summary>
        public long FlagsOffset { get; set; }
        /// <summary>True when the requirement is weak.</summary>
        public bool IsWeak { get { return (Flags & ElfVersionNeeds.VerFlagWeak) != 0; } }
    }

    /// <summary>What <see cref="ElfVersionNeeds.MarkWeak"/> did to a file.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>Not a 64-bit little-endian ELF file, or it has no version-needs section: left alone.</summary>
        NotApplicable,
        /// <summary>The file does not require that version: left alone.</summary>
        NotRequired,
        /// <summary>The requirement was already weak: left alone.</summary>
        AlreadyWeak,
        /// <summary>The requirement was made weak.</summary>
        Patched,
    }

    /// <summary>
    /// Reads and edits the GNU version-needs section (.gnu.version_r) of ELF64 little-endian files.
    /// TorchSharp 0.107's libLibTorchSharp.so asks for GLIBCXX_3.4.32 although no symbol it uses needs it;
    /// marking that one requirement weak lets glibc load it against older libstdc++ (Debian 12, Ubuntu 22.04).
    /// </summary>
    public static class ElfVersionNeeds
    {
        /// <summary>VER_FLG_WEAK from elf.h.</summary>
        public const ushort VerFlagWeak = 0x2;
        const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>Lists every version requirement in the file's .gnu.version_r section; empty when it is not an ELF64 LE file.</summary>
        public static List<ElfVersionNeed> Read(byte[] elf)
        {
            var needs = new List<ElfVersionNeed>();
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                return needs;
            if (elf[4] != 2 || elf[5] != 1) // ELFCLASS64, ELFDATA2LSB
                return needs;

            long shoff = (long)U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A);
            int shnum = U16(elf, 0x3C);
            if (shoff <= 0 || shentsize < 64 || shoff + (long)shentsize * shnum > elf.Length)
                return needs;

            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
                long offset = (long)U64(elf, sh + 0x18);
                long size = (long)U64(elf, sh + 0x20);
                uint link = U32(elf, sh + 0x28);
                uint count = U32(elf, sh + 0x2C);
                if (link >= shnum || offset < 0 || offset + size > elf.Length) return needs;
                long strtab = (long)U64(elf, shoff + (long)link * shentsize + 0x18);

                long vn = offset;
                for (uint n = 0; n < count && vn + 16 <= offset + size; n++)
                {
                    int auxCount = U16(elf, vn + 2);
                    string file = CString(elf, strtab + U32(elf, vn + 4));
                    long aux = vn + U32(elf, vn + 8);
                    for (int a = 0; a < auxCount && aux + 16 <= elf.Length; a++)
                    {
                        needs.Add(new ElfVersionNeed
                        {
                            File = file,
                            Name = CString(elf, strtab + U32(elf, aux + 8)),
                            Flags = (ushort)U16(elf, aux + 4),
                            FlagsOffset = aux + 4,
                        });
                        uint nextAux = U32(elf, aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(elf, vn + 12);
                    if (next == 0) break;
                    vn += next;
                }
            }
            return needs;
        }

        /// <summary>
        /// Makes the requirement on <paramref name="versionName"/> weak. The edit goes to a copy that then
        /// replaces the file, so a hard link into the NuGet cache is never written through; the original
        /// timestamp is kept so incremental builds do not copy the library again.
        /// </summary>
        public static ElfPatchOutcome MarkWeak(string path, string versionName)
        {
            byte[] bytes = System.IO.File.ReadAllBytes(path);
            ElfVersionNeed target = null;
            bool any = false;
            foreach (var need in Read(bytes))
            {
                any = true;
                if (need.Name == versionName) { target = need; break; }
            }
            if (!any) return ElfPatchOutcome.NotApplicable;
            if (target == null) return ElfPatchOutcome.NotRequired;
            if (target.IsWeak) return ElfPatchOutcome.AlreadyWeak;

            DateTime stamp = System.IO.File.GetLastWriteTimeUtc(path);
            string temp = path + ".alexvis-patch";
            System.IO.File.Copy(path, temp, true); // keeps the mode bits
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
            {
                ushort flags = (ushort)(target.Flags | VerFlagWeak);
                stream.Position = target.FlagsOffset;
                stream.WriteByte((byte)(flags & 0xff));
                stream.WriteByte((byte)(flags >> 8));
            }
            System.IO.File.Replace(temp, path, null);
            System.IO.File.SetLastWriteTimeUtc(path, stamp);
            return ElfPatchOutcome.Patched;
        }

        static int U16(byte[] b, long o) { return b[o] | (b[o + 1] << 8); }
        static uint U32(byte[] b, long o) { return (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)); }
        static ulong U64(byte[] b, long o) { return U32(b, o) | ((ulong)U32(b, o + 4) << 32); }

        static string CString(byte[] b, long o)
        {
            if (o < 0 || o >= b.Length) return string.Empty;
            long end = o;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
        }
    }

#if !ALEXVIS_NO_MSBUILD_TASK
    /// <summary>MSBuild task: marks one ELF version requirement weak in each given file where it is required.</summary>
    public class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
    {
        /// <summary>Files to examine.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; }

        /// <summary>The version name to make weak.</summary>
        [Microsoft.Build.Framework.Required]
        public string VersionName { get; set; }

        /// <summary>Runs the task.</summary>
        public override bool Execute()
        {
            foreach (var item in Files)
            {
                string path = item.GetMetadata("FullPath");
                try
                {
                    var outcome = ElfVersionNeeds.MarkWeak(path, VersionName);
                    var importance = outcome == ElfPatchOutcome.Patched
                        ? Microsoft.Build.Framework.MessageImportance.High
                        : Microsoft.Build.Framework.MessageImportance.Low;
                    Log.LogMessage(importance, "AlexVis: {0}: {1} {2}", path, VersionName, outcome);
                }
                catch (Exception e)
                {
                    Log.LogError("AlexVis: could not mark {0} weak in {1}: {2}", VersionName, path, e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
