/// Replies written for the EWS tests (and answered by the fake EWS server) in the shape Exchange 2013–2019 sends them (prefixes s/m/t,
/// a ServerVersionInfo header, namespaces declared where Exchange declares them). Project-written:
/// no captured traffic from any real mailbox.
public enum EWSResponseFixtures {
    public static func envelope(_ body: String) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
          <s:Header>
            <h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types" xmlns="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"/>
          </s:Header>
          <s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
            \(body)
          </s:Body>
        </s:Envelope>
        """
    }

    public static func operation(_ name: String, _ messages: String) -> String {
        envelope("""
            <m:\(name)Response xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
              <m:ResponseMessages>
                \(messages)
              </m:ResponseMessages>
            </m:\(name)Response>
            """)
    }

    public static let findItemFirstPage = operation("FindItem", """
        <m:FindItemResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:RootFolder IndexedPagingOffset="2" TotalItemsInView="3" IncludesLastItemInRange="false">
            <t:Items>
              <t:Message>
                <t:ItemId Id="AAMkADk1=" ChangeKey="CQAAABYA1"/>
                <t:Subject>Счёт №42 &amp; акт</t:Subject>
                <t:DateTimeReceived>2026-03-01T10:15:00Z</t:DateTimeReceived>
              </t:Message>
              <t:MeetingRequest>
                <t:ItemId Id="AAMkADk2=" ChangeKey="CQAAABYA2"/>
                <t:Subject>Встреча</t:Subject>
                <t:DateTimeReceived>2026-02-28T09:00:00Z</t:DateTimeReceived>
              </t:MeetingRequest>
            </t:Items>
          </m:RootFolder>
        </m:FindItemResponseMessage>
        """)

    public static let findItemLastPage = operation("FindItem", """
        <m:FindItemResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:RootFolder IndexedPagingOffset="3" TotalItemsInView="3" IncludesLastItemInRange="true">
            <t:Items>
              <t:Message>
                <t:ItemId Id="AAMkADk3=" ChangeKey="CQAAABYA3"/>
                <t:Subject>Re: предложение</t:Subject>
                <t:DateTimeReceived>2026-02-27T08:00:00Z</t:DateTimeReceived>
              </t:Message>
            </t:Items>
          </m:RootFolder>
        </m:FindItemResponseMessage>
        """)

    /// Three ids asked for: the second was deleted meanwhile.
    public static let getItemWithOneMissing = operation("GetItem", """
        <m:GetItemResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Items>
            <t:Message>
              <t:ItemId Id="AAMkADk1=" ChangeKey="CQAAABYA1"/>
              <t:Subject>Счёт №42 &amp; акт</t:Subject>
              <t:DateTimeReceived>2026-03-01T10:15:00Z</t:DateTimeReceived>
              <t:Categories>
                <t:String>Lead</t:String>
                <t:String>Клиент</t:String>
              </t:Categories>
              <t:InReplyTo>&lt;sent-1@romashka.ru&gt;</t:InReplyTo>
              <t:Preview>Добрый день! Высылаю счёт</t:Preview>
              <t:TextBody BodyType="Text" IsTruncated="false">Добрый день!

        Высылаю   счёт и акт.
        -- 
        Борис</t:TextBody>
              <t:ToRecipients>
                <t:Mailbox>
                  <t:Name>Анна Петрова</t:Name>
                  <t:EmailAddress>anna@romashka.ru</t:EmailAddress>
                  <t:RoutingType>SMTP</t:RoutingType>
                  <t:MailboxType>Mailbox</t:MailboxType>
                </t:Mailbox>
              </t:ToRecipients>
              <t:From>
                <t:Mailbox>
                  <t:Name>Борис</t:Name>
                  <t:EmailAddress>boris@example.ru</t:EmailAddress>
                  <t:RoutingType>SMTP</t:RoutingType>
                  <t:MailboxType>OneOff</t:MailboxType>
                </t:Mailbox>
              </t:From>
              <t:InternetMessageId>&lt;reply-7@example.ru&gt;</t:InternetMessageId>
              <t:References>&lt;root@romashka.ru&gt; &lt;sent-1@romashka.ru&gt;</t:References>
            </t:Message>
          </m:Items>
        </m:GetItemResponseMessage>
        <m:GetItemResponseMessage ResponseClass="Error">
          <m:MessageText>The specified object was not found in the store., The process failed to get the correct properties.</m:MessageText>
          <m:ResponseCode>ErrorItemNotFound</m:ResponseCode>
          <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
          <m:Items/>
        </m:GetItemResponseMessage>
        <m:GetItemResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Items>
            <t:Message>
              <t:ItemId Id="AAMkADk3=" ChangeKey="CQAAABYA3"/>
              <t:Subject>Внутреннее</t:Subject>
              <t:From>
                <t:Mailbox>
                  <t:Name>Иван Сидоров</t:Name>
                  <t:EmailAddress>/O=ROMASHKA/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=IVANOV</t:EmailAddress>
                  <t:RoutingType>EX</t:RoutingType>
                </t:Mailbox>
              </t:From>
            </t:Message>
          </m:Items>
        </m:GetItemResponseMessage>
        """)

    public static let syncFirstBatch = operation("SyncFolderItems", """
        <m:SyncFolderItemsResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:SyncState>H4sIAAAAAAAEAO29B2AcSZYlJi9tynt/SvVK1+B0ghIBQiAYBMk2JBAEOzBiKzbP</m:SyncState>
          <m:IncludesLastItemInRange>false</m:IncludesLastItemInRange>
          <m:Changes>
            <t:Create>
              <t:Message>
                <t:ItemId Id="AAMkNew1=" ChangeKey="CQAAAN1"/>
                <t:DateTimeReceived>2026-03-02T07:00:00Z</t:DateTimeReceived>
              </t:Message>
            </t:Create>
            <t:Update>
              <t:MeetingRequest>
                <t:ItemId Id="AAMkUpd1=" ChangeKey="CQAAAU1"/>
              </t:MeetingRequest>
            </t:Update>
            <t:Delete>
              <t:ItemId Id="AAMkDel1=" ChangeKey="CQAAAD1"/>
            </t:Delete>
            <t:ReadFlagChange>
              <t:ItemId Id="AAMkRead1=" ChangeKey="CQAAAR1"/>
              <t:IsRead>true</t:IsRead>
            </t:ReadFlagChange>
            <t:Create>
              <t:Message/>
            </t:Create>
          </m:Changes>
        </m:SyncFolderItemsResponseMessage>
        """)

    public static let invalidSyncState = operation("SyncFolderItems", """
        <m:SyncFolderItemsResponseMessage ResponseClass="Error">
          <m:MessageText>Synchronization state data is corrupt or otherwise invalid.</m:MessageText>
          <m:ResponseCode>ErrorInvalidSyncStateData</m:ResponseCode>
          <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
        </m:SyncFolderItemsResponseMessage>
        """)

    public static let serverBusyFault = envelope("""
        <s:Fault>
          <faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode>
          <faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring>
          <detail>
            <e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorServerBusy</e:ResponseCode>
            <e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">The server cannot service this request right now. Try again later.</e:Message>
            <t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
              <t:Value Name="BackOffMilliseconds">297749</t:Value>
            </t:MessageXml>
          </detail>
        </s:Fault>
        """)

    public static let schemaValidationFault = envelope("""
        <s:Fault>
          <faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorSchemaValidation</faultcode>
          <faultstring xml:lang="en-US">The request failed schema validation: The element 'SyncFolderItems' has invalid child element 'MaxChangesReturned'.</faultstring>
          <detail>
            <e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorSchemaValidation</e:ResponseCode>
            <e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">The request failed schema validation.</e:Message>
            <t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
              <t:LineNumber>2</t:LineNumber>
              <t:LinePosition>630</t:LinePosition>
              <t:Violation>The element 'SyncFolderItems' has invalid child element 'MaxChangesReturned'.</t:Violation>
            </t:MessageXml>
          </detail>
        </s:Fault>
        """)

    /// Throttling reported in a response message rather than as a fault.
    public static let busyResponseMessage = operation("GetItem", """
        <m:GetItemResponseMessage ResponseClass="Error">
          <m:MessageText>The server cannot service this request right now. Try again later.</m:MessageText>
          <m:ResponseCode>ErrorServerBusy</m:ResponseCode>
          <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
          <m:MessageXml>
            <t:Value Name="BackOffMilliseconds">1500</t:Value>
          </m:MessageXml>
          <m:Items/>
        </m:GetItemResponseMessage>
        """)

    public static let updateWithConflict = operation("UpdateItem", """
        <m:UpdateItemResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Items>
            <t:Message>
              <t:ItemId Id="A1" ChangeKey="CK1-new"/>
            </t:Message>
          </m:Items>
          <m:ConflictResults>
            <t:Count>0</t:Count>
          </m:ConflictResults>
        </m:UpdateItemResponseMessage>
        <m:UpdateItemResponseMessage ResponseClass="Error">
          <m:MessageText>An irresolvable conflict was detected.</m:MessageText>
          <m:ResponseCode>ErrorIrresolvableConflict</m:ResponseCode>
          <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
          <m:Items/>
        </m:UpdateItemResponseMessage>
        <m:UpdateItemResponseMessage ResponseClass="Error">
          <m:MessageText>The change key is required for this operation.</m:MessageText>
          <m:ResponseCode>ErrorChangeKeyRequiredForWriteOperations</m:ResponseCode>
          <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
          <m:Items/>
        </m:UpdateItemResponseMessage>
        """)

    public static let sentWithCopy = operation("CreateItem", """
        <m:CreateItemResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Items/>
        </m:CreateItemResponseMessage>
        """)

    public static let draftCreated = operation("CreateItem", """
        <m:CreateItemResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Items>
            <t:Message>
              <t:ItemId Id="Draft1=" ChangeKey="CQAAAD-1"/>
            </t:Message>
          </m:Items>
        </m:CreateItemResponseMessage>
        """)

    public static let attachmentsCreated = operation("CreateAttachment", """
        <m:CreateAttachmentResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Attachments>
            <t:FileAttachment>
              <t:AttachmentId Id="Att1=" RootItemId="Draft1=" RootItemChangeKey="CQAAAD-2"/>
            </t:FileAttachment>
          </m:Attachments>
        </m:CreateAttachmentResponseMessage>
        <m:CreateAttachmentResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Attachments>
            <t:FileAttachment>
              <t:AttachmentId Id="Att2=" RootItemId="Draft1=" RootItemChangeKey="CQAAAD-3"/>
            </t:FileAttachment>
          </m:Attachments>
        </m:CreateAttachmentResponseMessage>
        """)

    public static let sendItemDone = operation("SendItem", """
        <m:SendItemResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
        </m:SendItemResponseMessage>
        """)

    /// A Deep search for "Счета": a mail folder and a calendar of that name.
    public static let foldersFound = operation("FindFolder", """
        <m:FindFolderResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:RootFolder IndexedPagingOffset="2" TotalItemsInView="2" IncludesLastItemInRange="true">
            <t:Folders>
              <t:Folder>
                <t:FolderId Id="AAMkFolderA=" ChangeKey="AQAAABYA1"/>
              </t:Folder>
              <t:CalendarFolder>
                <t:FolderId Id="AAMkFolderB=" ChangeKey="AQAAABYA2"/>
              </t:CalendarFolder>
            </t:Folders>
          </m:RootFolder>
        </m:FindFolderResponseMessage>
        """)

    /// No folder has the name: an empty view, not an error.
    public static let noFolderFound = operation("FindFolder", """
        <m:FindFolderResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:RootFolder IndexedPagingOffset="0" TotalItemsInView="0" IncludesLastItemInRange="true">
            <t:Folders/>
          </m:RootFolder>
        </m:FindFolderResponseMessage>
        """)

    /// The folder searched in does not exist.
    public static let parentFolderNotFound = operation("FindFolder", """
        <m:FindFolderResponseMessage ResponseClass="Error">
          <m:MessageText>The specified folder could not be found in the store.</m:MessageText>
          <m:ResponseCode>ErrorFolderNotFound</m:ResponseCode>
          <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
        </m:FindFolderResponseMessage>
        """)

    public static let inboxFolder = operation("GetFolder", """
        <m:GetFolderResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Folders>
            <t:Folder>
              <t:FolderId Id="AAMkFolderInbox=" ChangeKey="AQAAABYA3"/>
            </t:Folder>
          </m:Folders>
        </m:GetFolderResponseMessage>
        """)

    /// Three items moved: the first under its new id, the second gone meanwhile, the third into
    /// another mailbox (no new id).
    public static let movedWithOneMissing = operation("MoveItem", """
        <m:MoveItemResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Items>
            <t:Message>
              <t:ItemId Id="AAMkMoved1=" ChangeKey="CQAAABYA9"/>
            </t:Message>
          </m:Items>
        </m:MoveItemResponseMessage>
        <m:MoveItemResponseMessage ResponseClass="Error">
          <m:MessageText>The specified object was not found in the store.</m:MessageText>
          <m:ResponseCode>ErrorItemNotFound</m:ResponseCode>
          <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
          <m:Items/>
        </m:MoveItemResponseMessage>
        <m:MoveItemResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Items/>
        </m:MoveItemResponseMessage>
        """)

    public static let outlookSignInPage = """
        <!DOCTYPE html>
        <html><head><title>Outlook</title></head>
        <body><form action="/owa/auth.owa" method="POST"><input name="username"/><input name="password" type="password"/></form></body></html>
        """
}
